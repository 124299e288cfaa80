"""Outbound deliveries: the Online Pénzügyi Adatkapcsolat push and the IPN form post.

A push is delivered only when the receiver answers HTTP 200 with a parseable
`szamlavalasz`; anything else is retried (auto mode: background thread with short
backoff; manual mode: on every `/_sandbox/push/flush`). An IPN needs HTTP 200 and, like
the real service, is given up after 10 attempts.
"""

from __future__ import annotations

import itertools
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from lxml import etree

from . import documents, pdf, variants
from .money import hungarian
from .schemas import Schemas, parse
from .store import PROFORMA, Change

SZAMLAVALASZ_NS = "http://www.szamlazz.hu/szamlavalasz"
IPN_MAX_ATTEMPTS = 10
TIMEOUT_SECONDS = 5


@dataclass
class Delivery:
    id: int
    kind: str  # "push" | "ipn"
    agent_key: str
    number: str
    url: str
    body: bytes
    headers: dict[str, str]
    attempts: int = 0
    next_attempt: float = 0.0
    last_error: str | None = None

    def describe(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "number": self.number,
            "url": self.url,
            "attempts": self.attempts,
            "error": self.last_error,
        }


class PushQueue:
    def __init__(self, schemas: Schemas, mode: str = "auto"):
        self.schemas = schemas
        self.mode = mode
        self._lock = threading.Lock()
        self._delivering = threading.Lock()  # one delivery pass at a time
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
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
                headers = {
                    "Content-Type": "application/xml; charset=UTF-8",
                    "X-Szamlazzhu-Key": account.push_key or "",
                }
                self._add(
                    "push",
                    account.agent_key,
                    doc.number,
                    account.push_url,
                    documents.serialize(element),
                    headers,
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
                self._add("ipn", account.agent_key, doc.number, account.ipn_url, body, headers)
        self._wake.set()

    def _add(self, kind, agent_key, number, url, body, headers) -> None:
        with self._lock:
            self.pending.append(
                Delivery(next(self._ids), kind, agent_key, number, url, body, headers)
            )

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
                    gave_up = delivery.kind == "ipn" and delivery.attempts >= IPN_MAX_ATTEMPTS
                    if (done or gave_up) and delivery in self.pending:
                        self.pending.remove(delivery)
        return {"delivered": delivered, "failed": failed}

    def _attempt(self, delivery: Delivery) -> bool:
        delivery.attempts += 1
        # Only http(s) URLs get here: the control API refuses any other push/IPN scheme.
        request = urllib.request.Request(  # noqa: S310
            delivery.url, data=delivery.body, method="POST", headers=delivery.headers
        )
        status, error = None, None
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
                status, body = answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            status, body, error = exc.code, b"", f"HTTP {exc.code}"
        except (OSError, ValueError) as exc:
            body, error = b"", f"{type(exc).__name__}: {exc}"
        if error is None and delivery.kind == "push":
            error = self._acknowledgement_problem(body)
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
        with self._lock:
            self.log.append(record)
        return error is None

    def _acknowledgement_problem(self, body: bytes) -> str | None:
        try:
            root = parse(body)
        except etree.XMLSyntaxError as exc:
            return f"unparseable szamlavalasz: {exc}"
        if root.tag != f"{{{SZAMLAVALASZ_NS}}}szamlavalasz":
            return f"unexpected answer root {root.tag}"
        problems = self.schemas.errors(root, "szamlavalasz")
        if problems:
            return "invalid szamlavalasz: " + "; ".join(problems)
        # KEY_ERR / KEY_DEL are acknowledgements too: the real service stops resending.
        return None

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
        while not self._stop.is_set():
            self._wake.wait(timeout=0.1)
            self._wake.clear()
            if not self._stop.is_set():
                self._pass(only_due=True)

    def state_for(self, agent_key: str) -> dict:
        with self._lock:
            return {
                "pending": [d.describe() for d in self.pending if d.agent_key == agent_key],
                "log": [r for r in self.log if r["agent_key"] == agent_key],
            }
