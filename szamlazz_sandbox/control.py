"""The JSON control API under /_sandbox/ used by tests and `make demo`."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections import Counter, defaultdict
from decimal import Decimal

from . import inbound, receipts, variants
from .agent import Agent
from .errors import AgentFailure
from .faults import Fault, Faults
from .push import PushQueue
from .schemas import Schemas
from .seed import seed_webshop
from .store import DEMO_AGENT_KEY, INVOICE, ISSUERS, Buyer, DocumentSpec, Item, Store, make_item

BUYER_FIELDS = {
    "name",
    "zip",
    "city",
    "street",
    "country",
    "email",
    "tax_number",
    "eu_tax_number",
    "identifier",
    "private_person",
    "phone",
}
SUPPLIER_FIELDS = {
    "name",
    "tax_number",
    "eu_tax_number",
    "identifier",
    "zip",
    "city",
    "street",
    "country",
    "bank_account",
}
SELLER_FIELDS = {
    "name",
    "tax_number",
    "eu_tax_number",
    "country",
    "zip",
    "city",
    "street",
    "bank_name",
    "bank_account",
}
ACCOUNT_SETTINGS = (
    "push_url",
    "push_key",
    "ipn_url",
    "incoming_push_url",
    "receipt_push_url",
    "bank_push_url",
    "prefixes",
    "forbid_order_number_repetition",
    "decimal_comma_headers",
    "proforma_numbers_with_year",
    "lookup_delay_seconds",
    "omit_elements",
    "query_omit_elements",
)


URL_SETTINGS = ("push_url", "ipn_url", "incoming_push_url", "receipt_push_url", "bank_push_url")


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        super().__init__(message)


class Control:
    def __init__(
        self, store: Store, agent: Agent, pushes: PushQueue, faults: Faults, schemas: Schemas
    ):
        self.store = store
        self.agent = agent
        self.pushes = pushes
        self.faults = faults
        self.schemas = schemas

    def handle(self, method: str, path: str, query: dict, body: dict) -> tuple[int, dict]:
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")[1:]]
        try:
            return 200, self._route(method, parts, query, body)
        except ControlError as exc:
            return exc.status, {"error": str(exc)}
        except AgentFailure as failure:
            return 409, {"error": failure.message, "code": failure.code}
        except receipts.Refused as refusal:
            return 409, {"error": str(refusal)}
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            return 400, {"error": f"bad request: {exc!r}"}

    def _route(self, method: str, parts: list[str], query: dict, body: dict) -> dict:
        route = (method, *parts)
        if route == ("POST", "reset"):
            return self._reset()
        if route == ("POST", "accounts"):
            return self._accounts(body)
        if parts == ["faults"]:
            return self._faults(method, body)
        if route == ("POST", "documents"):
            return self._issue(body)
        if method == "POST" and len(parts) == 3 and parts[0] == "documents":
            return self._document_action(parts[1], parts[2], body)
        if route == ("POST", "seed", "webshop"):
            return self._seed(body)
        if route == ("POST", "receipts"):
            return self._receipt(body)
        if route == ("POST", "receipts", "send-batch"):
            return self._send_receipt_batch(body)
        if method == "POST" and len(parts) == 3 and parts[0] == "receipts":
            if parts[2] != "storno":
                raise ControlError(404, f"no such receipt action {parts[2]!r}")
            return self._receipt_storno(parts[1], body)
        if route == ("POST", "incoming"):
            return self._incoming(body)
        if route == ("POST", "bank-transactions"):
            return self._bank_transactions(body)
        if route == ("POST", "push", "flush"):
            return self.pushes.flush()
        if route == ("GET", "state"):
            return self._state(query.get("agent_key", [DEMO_AGENT_KEY])[0])
        raise ControlError(404, f"no such control call: {method} /_sandbox/{'/'.join(parts)}")

    def _account(self, body: dict):
        account = self.store.accounts.get(body.get("agent_key") or DEMO_AGENT_KEY)
        if account is None:
            raise ControlError(404, f"unknown agent_key {body.get('agent_key')!r}")
        return account

    def _reset(self) -> dict:
        self.store.reset()
        self.agent.reset()
        self.pushes.reset()
        self.faults.clear()
        self.schemas.self_check_errors.clear()
        return {"ok": True}

    def _accounts(self, body: dict) -> dict:
        agent_key = body["agent_key"]
        seller = {k: v for k, v in (body.get("seller") or {}).items() if k in SELLER_FIELDS}
        settings = {k: body[k] for k in ACCOUNT_SETTINGS if k in body}
        prefixes = settings.get("prefixes")
        if prefixes is not None and (
            not prefixes or not all(isinstance(p, str) and p.strip() for p in prefixes)
        ):
            raise ControlError(400, "prefixes must be a non-empty list of names")
        for name in URL_SETTINGS:
            url = settings.get(name)
            if url and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise ControlError(400, f"{name} must be an http(s) URL")
        if "lookup_delay_seconds" in settings:
            delay = float(settings["lookup_delay_seconds"])
            if not delay >= 0:
                raise ControlError(400, "lookup_delay_seconds must be a number >= 0")
            settings["lookup_delay_seconds"] = delay
        for name in ("omit_elements", "query_omit_elements"):
            if name in settings:
                settings[name] = self._omit(settings[name], name)
        account = self.store.upsert_account(agent_key, seller, **settings)
        return self._account_info(account)

    @staticmethod
    def _account_info(account) -> dict:
        return {
            "agent_key": account.agent_key,
            "supplier_id": account.supplier_id,
            "seller": vars(account.seller),
            "prefixes": account.prefixes,
            "push_url": account.push_url,
            "ipn_url": account.ipn_url,
            "incoming_push_url": account.incoming_push_url,
            "receipt_push_url": account.receipt_push_url,
            "bank_push_url": account.bank_push_url,
            "forbid_order_number_repetition": account.forbid_order_number_repetition,
            "decimal_comma_headers": account.decimal_comma_headers,
            "proforma_numbers_with_year": account.proforma_numbers_with_year,
            "lookup_delay_seconds": account.lookup_delay_seconds,
            "omit_elements": list(account.omit_elements),
            "query_omit_elements": list(account.query_omit_elements),
        }

    @staticmethod
    def _omit(names, field: str) -> tuple[str, ...]:
        if not isinstance(names, list):
            raise ControlError(400, f"{field} must be a list")
        try:
            return variants.check_omit(names)
        except ValueError as exc:
            raise ControlError(400, f"{field}: {exc}") from None

    def _faults(self, method: str, body: dict) -> dict:
        if method == "DELETE":
            self.faults.clear()
        elif method == "POST":
            fault = Fault(kind=body["kind"], times=int(body.get("times", 1)))
            if body.get("seconds") is not None:
                fault.seconds = float(body["seconds"])
            if body.get("status") is not None:
                fault.status = int(body["status"])
            if body.get("code") is not None:
                fault.code = int(body["code"])
            self.faults.add(fault)
        elif method != "GET":
            raise ControlError(405, f"{method} not allowed on /_sandbox/faults")
        return {"faults": self.faults.pending()}

    @staticmethod
    def _items(items: list) -> list[Item]:
        if not isinstance(items, list):
            raise ControlError(400, "items must be a list")
        return [
            make_item(
                i["name"],
                Decimal(str(i["quantity"])),
                i.get("unit") or "db",
                Decimal(str(i["net_unit_price"])),
                str(i.get("vat_rate", "27")),
                i.get("identifier") or "",
            )
            for i in items
        ]

    def _issue(self, body: dict) -> dict:
        account = self._account(body)
        buyer = self._buyer(body["buyer"])
        items = self._items(body["items"])
        paid = bool(body.get("paid"))
        # A document issued earlier (history before a shop connected); numbering follows
        # the order of the calls, so a test issues older documents first.
        issue_date = self._optional_date(body, "issue_date") or dt.date.today()
        spec = DocumentSpec(
            kind=body.get("kind", INVOICE),
            buyer=buyer,
            items=items,
            issue_date=issue_date,
            fulfillment_date=issue_date,
            due_date=issue_date + dt.timedelta(days=8),
            payment_method=body.get("payment_method") or ("bankkártya" if paid else "átutalás"),
            currency=body.get("currency", "HUF"),
            prefix=body.get("prefix"),
            order_number=body.get("order_number"),
            external_id=body.get("external_id"),
            paid=paid,
            email=body.get("email") or buyer.email or None,
            e_invoice=bool(body.get("e_invoice")),
            issued_by=body.get("issued_by"),
            pdf_mode=body.get("pdf", variants.EMBEDDED),
            omit=self._omit(body.get("omit", []), "omit"),
        )
        if spec.kind not in ("SZ", "D", "SL"):
            raise ControlError(400, "kind must be SZ, D or SL")
        if not isinstance(spec.currency, str):
            raise ControlError(400, "currency must be a string (it may be empty)")
        if spec.issued_by is not None and spec.issued_by not in ISSUERS:
            raise ControlError(400, f"issued_by must be one of {ISSUERS} (forras)")
        if spec.pdf_mode not in variants.PDF_MODES:
            raise ControlError(400, f"pdf must be one of {variants.PDF_MODES}")
        with self.store.lock:
            doc, changes = self.store.issue(account, spec)
            self.pushes.enqueue(changes)
            return doc.summary()

    @staticmethod
    def _buyer(fields: dict) -> Buyer:
        values = {k: v for k, v in fields.items() if k in BUYER_FIELDS}
        if values.get("private_person") is True:
            # A private person may come without name and address: NAV refuses them for
            # PRIVATE_PERSON buyers, and the official push example has an empty vevo/nev.
            for name in ("name", "zip", "city", "street"):
                values.setdefault(name, "")
        elif not values.get("name"):
            raise ControlError(400, "buyer name may be empty only with private_person: true")
        return Buyer(**values)

    @staticmethod
    def _optional_date(body: dict, name: str) -> dt.date | None:
        value = body.get(name)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ControlError(400, f"{name} must be an ISO date (YYYY-MM-DD)") from None

    def _document_action(self, number: str, action: str, body: dict) -> dict:
        account = self._account(body)
        with self.store.lock:
            if action == "pay":
                amount = body.get("amount")
                date = body.get("date")
                doc, changes = self.store.pay(
                    account,
                    number,
                    Decimal(str(amount)) if amount is not None else None,
                    dt.date.fromisoformat(date) if date else None,
                )
            elif action == "storno":
                # The web UI keeps the original's form unless the body names one.
                e_invoice = body.get("e_invoice")
                doc, changes = self.store.storno(
                    account, number, e_invoice=None if e_invoice is None else bool(e_invoice)
                )
            else:
                raise ControlError(404, f"no such document action {action!r}")
            self.pushes.enqueue(changes)
            return doc.summary()

    # -- receipts, incoming invoices, bank transactions (the data connection's other feeds)

    def _receipt(self, body: dict) -> dict:
        account = self._account(body)
        spec = receipts.ReceiptSpec(
            items=self._items(body["items"]),
            prefix=body.get("prefix"),
            payment_method=body.get("payment_method") or "készpénz",
            currency=body.get("currency") or "HUF",
            call_id=body.get("call_id"),
            order_number=body.get("order_number"),
            issue_date=self._optional_date(body, "issue_date"),
            note=body.get("note"),
        )
        if not spec.items:
            raise ControlError(400, "a receipt needs at least one item")
        with self.store.lock:
            return receipts.issue(self.store, account, spec).summary()

    def _receipt_storno(self, number: str, body: dict) -> dict:
        account = self._account(body)
        with self.store.lock:
            return receipts.storno(self.store, account, number).summary()

    def _send_receipt_batch(self, body: dict) -> dict:
        """The daily batch, now: that day's waiting receipts (default: all) in one push."""
        account = self._account(body)
        day = self._optional_date(body, "date")
        with self.store.lock:
            if not account.receipt_push_url:
                raise ControlError(409, "the account has no receipt_push_url")
            batch = receipts.waiting(account, day)
            delivery = self._queue_receipt_batch(account, batch)
            return {
                "queued": delivery is not None,
                "numbers": [r.number for r in batch],
                "delivery": delivery,
            }

    def _queue_receipt_batch(self, account, batch: list) -> dict | None:
        delivery = self.pushes.enqueue_receipts(account, batch)
        if delivery is not None:
            receipts.mark_batched(batch, dt.date.today())
        return delivery

    def queue_daily_receipt_batches(self) -> None:
        """Auto mode's overnight archive: each earlier day's waiting receipts, one batch per
        day, for every account with a receipt_push_url (PushQueue.periodic)."""
        today = dt.date.today()
        with self.store.lock:
            for account in list(self.store.accounts.values()):
                if not account.receipt_push_url:
                    continue
                days = sorted({r.issue_date for r in receipts.waiting(account)})
                for day in days:
                    if day < today:
                        self._queue_receipt_batch(account, receipts.waiting(account, day))

    def _incoming(self, body: dict) -> dict:
        account = self._account(body)
        fields = body.get("supplier")
        supplier = None
        if fields is not None:
            values = {k: v for k, v in fields.items() if k in SUPPLIER_FIELDS}
            if not values.get("name"):
                raise ControlError(400, "supplier name is required")
            for name in ("zip", "city", "street"):
                values.setdefault(name, "")
            supplier = inbound.Supplier(**values)
        items = self._items(body["items"]) if body.get("items") is not None else None
        with self.store.lock:
            invoice = inbound.receive_invoice(
                self.store,
                account,
                supplier,
                items,
                number=body.get("number"),
                issue_date=self._optional_date(body, "issue_date"),
                due_date=self._optional_date(body, "due_date"),
                payment_method=body.get("payment_method") or "átutalás",
                currency=body.get("currency") or "HUF",
                storno_of=body.get("storno_of"),
                pdf=bool(body.get("pdf", True)),
            )
            answer = invoice.summary()
            answer["push"] = self.pushes.enqueue_incoming(account, invoice)
            return answer

    def _bank_transactions(self, body: dict) -> dict:
        account = self._account(body)
        entries = body["transactions"]
        if not isinstance(entries, list) or not entries:
            raise ControlError(400, "transactions must be a non-empty list")
        parsed = []
        for entry in entries:
            counterparty = entry.get("counterparty") or {}
            if isinstance(counterparty, str):
                counterparty = {"name": counterparty}
            parsed.append(
                {
                    "amount": Decimal(str(entry["amount"])),
                    "reference": str(entry.get("reference") or ""),
                    "currency": entry.get("currency") or "HUF",
                    "value_date": self._optional_date(entry, "date"),
                    "counterparty_name": counterparty.get("name") or "",
                    "counterparty_account": counterparty.get("bank_account") or "",
                    "bank_account": entry.get("bank_account"),
                    "technical": bool(entry.get("technical")),
                    "type_": entry.get("type") or "",
                }
            )
        answers = []
        with self.store.lock:
            for values in parsed:
                transaction = inbound.record_transaction(self.store, account, **values)
                answer = transaction.summary()
                answer["push"] = self.pushes.enqueue_bank(account, transaction)
                answers.append(answer)
        return {"transactions": answers}

    def _seed(self, body: dict) -> dict:
        account = self._account(body)
        with self.store.lock:
            docs, changes = seed_webshop(
                self.store, account, int(body.get("count", 5)), body.get("prefix") or "WEB"
            )
            self.pushes.enqueue(changes)
        return {"documents": [d.summary() for d in docs]}

    def _state(self, agent_key: str) -> dict:
        account = self._account({"agent_key": agent_key})
        with self.store.lock:
            documents = [
                d.summary() for d in sorted(account.documents.values(), key=lambda d: d.id)
            ]
            removed = [d.summary() for d in account.removed.values()]
            receipt_list = [
                r.summary() for r in sorted(account.receipts.values(), key=lambda r: r.id)
            ]
            incoming = [i.summary() for i in sorted(account.incoming.values(), key=lambda i: i.id)]
            bank = [t.summary() for t in account.bank_transactions]
        # Requests whose key could not be read (53, unparseable XML) show up for every key.
        requests = [
            dict(r) for r in list(self.agent.requests) if r["agent_key"] in (agent_key, None)
        ]
        by_external_id: dict[str, Counter] = defaultdict(Counter)
        for request in requests:
            if request["external_id"]:
                by_external_id[request["external_id"]][request["action"]] += 1
        return {
            "account": self._account_info(account),
            "documents": documents,
            "removed_documents": removed,
            "receipts": receipt_list,
            "incoming_invoices": incoming,
            "bank_transactions": bank,
            "requests": requests,
            "request_counts": {
                "total": len(requests),
                "by_action": dict(Counter(r["action"] for r in requests if r["action"])),
                "by_external_id": {k: dict(v) for k, v in by_external_id.items()},
            },
            "pushes": self.pushes.state_for(agent_key),
            "faults": self.faults.pending(),
            "self_check_errors": list(self.schemas.self_check_errors),
        }
