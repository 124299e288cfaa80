"""Outbound deliveries: the Online Pénzügyi Adatkapcsolat pushes and the IPN form post.

Four push kinds, each to its own URL with the account's `X-Szamlazzhu-Key`: `push`
(outgoing `szamla`), `incoming` (`szamlabe`), `receipts` (the daily `xmlnyugtaarchiv`
batch) and `bank` (`banktranz`). A push is delivered only when the receiver answers HTTP
200 with a schema-valid answer of its kind (`szamlavalasz`, `szamlabevalasz`,
`nyugtavalasz`, `banktranzvalasz`); anything else is retried with the same body (auto
mode: background thread with short backoff; manual mode: on every `/_sandbox/push/flush`).
An IPN needs HTTP 200 and, like the real service, is given up after 10 attempts.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from . import documents, feeds, pdf, variants
from .inbound import BankTransaction, IncomingInvoice
from .money import hungarian
from .receipts import Receipt
from .schemas import Schemas, parse
from .store import PROFORMA, Account, Change

PUSH, INCOMING, RECEIPTS, BANK, IPN = "push", "incoming", "receipts", "bank", "ipn"
# Push kind -> the root of the answer that acknowledges it (its namespace is
# http://www.szamlazz.hu/<root>, its schema <root>.xsd).
ACKNOWLEDGEMENTS = {
    PUSH: "szamlavalasz",
    INCOMING: "szamlabevalasz",
    RECEIPTS: "nyugtavalasz",
    BANK: "banktranzvalasz",
}
IPN_MAX_ATTEMPTS = 10
TIMEOUT_SECONDS = 5
PERIODIC_SECONDS = 1.0  # how often auto mode runs the periodic jobs (the daily batch)


@dataclass
class Delivery:
    id: int
    kind: str  # push | incoming | receipts | bank | ipn
    agent_key: str
    number: str | None  # None for a receipt batch: see numbers
    url: str
    body: bytes
    headers: dict[str, str]
    attempts: int = 0
    next_attempt: float = 0.0
    last_error: str | None = None
    numbers: tuple[str, ...] = ()  # the receipts a batch carries

    def describe(self) -> dict:
        described = {
            "id": self.id,
            "kind": self.kind,
            "number": self.number,
            "url": self.url,
            "attempts": self.attempts,
            "error": self.last_error,
        }
        if self.kind == RECEIPTS:
            described["numbers"] = list(self.numbers)
        return described


class PushQueue:
    def __init__(self, schemas: Schemas, mode: str = "auto"):
        self.schemas = schemas
        self.mode = mode
        self._lock = threading.Lock()
        self._delivering = threading.Lock()  # one delivery pass at a time
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Jobs auto mode runs about once a second (server.build_app adds the daily receipt
        # batch); manual mode never runs them.
        self.periodic: list[Callable[[], None]] = []
        self.reset()

    def reset(self) -> None:
        with self._delivering, self._lock:
            self._ids = itertools.count(1)
            self.pending: list[Delivery] = []
            self.log: list[dict] = []

    # -- queueing ----------------------------------------------------------------------

    def enqueue(self, changes: list[Change]) -> None:
        """Snapshot each changed document now (call with the store lock held)."""
        for change in changes:
            account, doc = change.account, change.document
            if account.push_url:
                element = documents.build_szamla(account, doc, pdf.render(doc, account.seller.name))
                # Checked complete; the departures chosen for the account/document come after.
                self.schemas.self_check(element, "szamla", f"push {doc.number}")
                variants.depart(element, (*account.omit_elements, *doc.omit), doc.pdf_mode)
                self._add(
                    PUSH,
                    account.agent_key,
                    doc.number,
                    account.push_url,
                    documents.serialize(element),
                    self._push_headers(account),
                )
            if account.ipn_url and change.payment_changed:
                fields = {
                    "szlahu_szamlaszam": doc.number,
                    "szlahu_rendelesszam": doc.order_number or "",
                    "szlahu_bruttovegosszeg": hungarian(doc.gross),
                    "szlahu_kifizetettbrutto": hungarian(doc.paid),
                    "szlahu_fizetesmod": doc.payment_method,
                    "szlahu_kifizdat": max(
                        (p.date for p in doc.payments), default=doc.issue_date
                    ).isoformat(),
                }
                if doc.referenced_proforma and doc.kind != PROFORMA:
                    fields["szlahu_dijbekero_szama"] = doc.referenced_proforma
                body = urllib.parse.urlencode(fields).encode("ascii")
                headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
                self._add(IPN, account.agent_key, doc.number, account.ipn_url, body, headers)
        self._wake.set()

    def enqueue_incoming(self, account: Account, invoice: IncomingInvoice) -> dict | None:
        """Queue the `szamlabe` push of ``invoice`` (call with the store lock held)."""
        if not account.incoming_push_url:
            return None
        element = feeds.build_szamlabe(account, invoice)
        return self._feed(INCOMING, account, account.incoming_push_url, element, invoice.number)

    def enqueue_receipts(self, account: Account, receipts: list[Receipt]) -> dict | None:
        """Queue one `xmlnyugtaarchiv` batch of ``receipts`` (store lock held)."""
        if not (account.receipt_push_url and receipts):
            return None
        element = feeds.build_nyugtaarchiv(account, receipts)
        numbers = tuple(r.number for r in receipts)
        return self._feed(RECEIPTS, account, account.receipt_push_url, element, None, numbers)

    def enqueue_bank(self, account: Account, transaction: BankTransaction) -> dict | None:
        """Queue the `banktranz` push of one transaction (store lock held)."""
        if not account.bank_push_url:
            return None
        element = feeds.build_banktranz(transaction)
        return self._feed(BANK, account, account.bank_push_url, element, str(transaction.id))

    def _feed(self, kind, account, url, element, number, numbers=()) -> dict:
        root_name = etree.QName(element).localname
        self.schemas.self_check(element, root_name, f"{kind} {number or ', '.join(numbers)}")
        delivery = self._add(
            kind,
            account.agent_key,
            number,
            url,
            documents.serialize(element),
            self._push_headers(account),
            numbers,
        )
        self._wake.set()
        return delivery.describe()

    @staticmethod
    def _push_headers(account: Account) -> dict[str, str]:
        return {
            "Content-Type": "application/xml; charset=UTF-8",
            "X-Szamlazzhu-Key": account.push_key or "",
        }

    def _add(self, kind, agent_key, number, url, body, headers, numbers=()) -> Delivery:
        with self._lock:
            delivery = Delivery(
                next(self._ids), kind, agent_key, number, url, body, headers, numbers=numbers
            )
            self.pending.append(delivery)
            return delivery

    # -- delivering --------------------------------------------------------------------

    def flush(self) -> dict:
        """Attempt every pending delivery once, now."""
        return self._pass(only_due=False)

    def _pass(self, only_due: bool) -> dict:
        delivered, failed = [], []
        with self._delivering:
            with self._lock:
                now = time.monotonic()
                batch = [d for d in self.pending if not only_due or d.next_attempt <= now]
            for delivery in batch:
                done = self._attempt(delivery)
                (delivered if done else failed).append(delivery.describe())
                with self._lock:
                    gave_up = delivery.kind == IPN and delivery.attempts >= IPN_MAX_ATTEMPTS
                    if (done or gave_up) and delivery in self.pending:
                        self.pending.remove(delivery)
        return {"delivered": delivered, "failed": failed}

    def _attempt(self, delivery: Delivery) -> bool:
        delivery.attempts += 1
        # Only http(s) URLs get here: the control API refuses any other push/IPN scheme.
        request = urllib.request.Request(  # noqa: S310
            delivery.url, data=delivery.body, method="POST", headers=delivery.headers
        )
        status, error, control_code = None, None, None
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
                status, body = answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            status, body, error = exc.code, b"", f"HTTP {exc.code}"
        except (OSError, ValueError) as exc:
            body, error = b"", f"{type(exc).__name__}: {exc}"
        if error is None and delivery.kind in ACKNOWLEDGEMENTS:
            error, control_code = self._acknowledgement(ACKNOWLEDGEMENTS[delivery.kind], body)
        delivery.last_error = error
        delivery.next_attempt = time.monotonic() + min(0.2 * 2 ** (delivery.attempts - 1), 2.0)
        record = {
            "id": delivery.id,
            "kind": delivery.kind,
            "agent_key": delivery.agent_key,
            "number": delivery.number,
            "url": delivery.url,
            "attempt": delivery.attempts,
            "status": status,
            "ok": error is None,
            "error": error,
        }
        if delivery.numbers:
            record["numbers"] = list(delivery.numbers)
        if control_code:
            record["hibakod"] = control_code  # KEY_ERR / KEY_DEL: acknowledged all the same
        with self._lock:
            self.log.append(record)
        return error is None

    def _acknowledgement(self, root_name: str, body: bytes) -> tuple[str | None, str | None]:
        """(problem, hibakod): the problem is None when ``body`` acknowledges the push."""
        try:
            root = parse(body)
        except etree.XMLSyntaxError as exc:
            return f"unparseable {root_name}: {exc}", None
        if root.tag != f"{{http://www.szamlazz.hu/{root_name}}}{root_name}":
            return f"unexpected answer root {root.tag}", None
        problems = self.schemas.errors(root, root_name)
        if problems:
            return f"invalid {root_name}: " + "; ".join(problems), None
        # KEY_ERR / KEY_DEL are acknowledgements too: the real service stops resending
        # (an invoice until it changes; a bank transaction or receipt batch for good).
        code = root.findtext(f"{{http://www.szamlazz.hu/{root_name}}}hibakod")
        return None, (code or "").strip() or None

    # -- auto mode ---------------------------------------------------------------------

    def start(self) -> None:
        if self.mode == "auto" and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="push", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=TIMEOUT_SECONDS + 1)

    def _run(self) -> None:
        next_periodic = 0.0
        while not self._stop.is_set():
            self._wake.wait(timeout=0.1)
            self._wake.clear()
            if self._stop.is_set():
                break
            if time.monotonic() >= next_periodic:
                next_periodic = time.monotonic() + PERIODIC_SECONDS
                for job in self.periodic:
                    try:
                        job()
                    except Exception:  # a sandbox bug: say so, keep delivering
                        traceback.print_exc(file=sys.stderr)
            self._pass(only_due=True)

    def state_for(self, agent_key: str) -> dict:
        with self._lock:
            return {
                "pending": [d.describe() for d in self.pending if d.agent_key == agent_key],
                "log": [r for r in self.log if r["agent_key"] == agent_key],
            }
