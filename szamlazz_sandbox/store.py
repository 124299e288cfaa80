"""In-memory accounts and documents, and the business rules Számlázz.hu applies to them.

Everything is guarded by one lock: the sandbox is a test tool, correctness beats throughput.
Fields added after the first release have immutable class-level defaults: pickle restores
an instance's ``__dict__`` without running ``__init__``, so a state file written by an older
sandbox loads and its objects read the default for a field they lack.
"""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
import threading
import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from . import errors
from .errors import AgentFailure
from .money import round_cents

if TYPE_CHECKING:
    from .inbound import BankTransaction, IncomingInvoice
    from .receipts import Receipt

DEMO_AGENT_KEY = "sandbox-demo-key"
FIRST_DOCUMENT_ID = 200001
# Live (P60-H1…H5): a net off by up to 2 was accepted and stored as sent, 5 was refused.
ITEM_TOLERANCE = Decimal(2)
# `alap/forras` values (szamla.xsd comment): 26 QUiCK, 28 SMARTBooks, 34 NAV Online számla.
ISSUERS = (26, 28, 34)

# Document kinds, as `alap/tipus` spells them.
INVOICE, PROFORMA, DELIVERY_NOTE, STORNO = "SZ", "D", "SL", "SS"
# Non-numeric VAT codes (`afakulcs` text) that mean 0 % VAT.
# fmt: off
VAT_CODES = {
    "TAM", "AAM", "EU", "EUK", "MAA", "F.AFA", "K.AFA", "ÁKK", "TAHK", "TEHK", "EUT",
    "EUKT", "HO", "EUE", "EUFADE", "EUFAD37", "ATK", "NAM", "EAM", "KBAUK", "KBAET",
}
# fmt: on


@dataclass
class Seller:
    name: str = "Demo Bolt Kft."
    tax_number: str = "12345678-2-42"
    eu_tax_number: str = "HU12345678"
    country: str = "Magyarország"
    zip: str = "1052"
    city: str = "Budapest"
    street: str = "Váci utca 1."
    bank_name: str = "OTP Bank"
    bank_account: str = "11773016-11111111-00000000"


@dataclass
class Buyer:
    name: str
    zip: str
    city: str
    street: str
    country: str = ""
    email: str = ""
    tax_number: str = ""
    eu_tax_number: str = ""
    identifier: str = ""
    private_person: bool | None = None
    phone: str = ""

    @property
    def is_private_person(self) -> bool:
        if self.private_person is not None:
            return self.private_person
        return not (self.tax_number or self.eu_tax_number)


@dataclass
class Item:
    name: str
    quantity: Decimal
    unit: str
    net_unit_price: Decimal
    vat_rate: str  # as sent: "27", "5", "TAM", "AAM", ...
    net: Decimal
    vat: Decimal
    gross: Decimal
    identifier: str = ""
    note: str = ""

    @property
    def vat_percent(self) -> Decimal:
        return Decimal(0) if self.vat_rate.upper() in VAT_CODES else Decimal(self.vat_rate)

    @property
    def vat_code(self) -> str | None:
        return self.vat_rate.upper() if self.vat_rate.upper() in VAT_CODES else None

    def negated(self) -> Item:
        # A storno negates the quantity, not the unit price.
        return replace(
            self, quantity=-self.quantity, net=-self.net, vat=-self.vat, gross=-self.gross
        )


def make_item(
    name: str,
    quantity: Decimal,
    unit: str,
    net_unit_price: Decimal,
    vat_rate: str = "27",
    identifier: str = "",
    note: str = "",
) -> Item:
    """An item whose net/VAT/gross are computed the way the web UI does."""
    net = round_cents(quantity * net_unit_price)
    item = Item(
        name, quantity, unit, net_unit_price, vat_rate, net, Decimal(0), net, identifier, note
    )
    item.vat = round_cents(net * item.vat_percent / 100)
    item.gross = net + item.vat
    return item


@dataclass
class Payment:
    date: dt.date
    title: str
    amount: Decimal
    note: str = ""


class ItemTotals:
    """Net, VAT and gross of a document, receipt or incoming invoice: its items' sums."""

    @property
    def net(self) -> Decimal:
        return sum((i.net for i in self.items), Decimal(0))

    @property
    def vat(self) -> Decimal:
        return sum((i.vat for i in self.items), Decimal(0))

    @property
    def gross(self) -> Decimal:
        return sum((i.gross for i in self.items), Decimal(0))


@dataclass
class DocumentSpec:
    """What a create request asks for (from xmlszamla or the control API)."""

    kind: str
    buyer: Buyer
    items: list[Item]
    issue_date: dt.date | None = None
    fulfillment_date: dt.date | None = None
    due_date: dt.date | None = None
    payment_method: str = "átutalás"
    currency: str = "HUF"
    language: str = "hu"
    prefix: str | None = None
    order_number: str | None = None
    external_id: str | None = None
    proforma_number: str | None = None
    e_invoice: bool = False
    exchange_bank: str | None = None
    exchange_rate: Decimal | None = None
    note: str | None = None
    seller_bank: str | None = None
    seller_bank_account: str | None = None
    paid: bool = False
    email: str | None = None
    issued_by: int | None = None  # forras: set only for documents not issued by Számlázz.hu
    pdf_mode: str = "embedded"  # how its pushes carry the PDF (variants.PDF_MODES)
    omit: tuple[str, ...] = ()  # elements its pushes and query answers leave out


@dataclass
class Document(ItemTotals):
    id: int
    number: str
    kind: str
    prefix: str
    issue_date: dt.date
    fulfillment_date: dt.date
    due_date: dt.date
    payment_method: str
    currency: str
    language: str
    buyer: Buyer
    items: list[Item]
    order_number: str | None = None
    external_id: str | None = None
    e_invoice: bool = False
    exchange_bank: str | None = None
    exchange_rate: Decimal | None = None
    note: str | None = None
    seller_bank: str | None = None
    seller_bank_account: str | None = None
    email: str | None = None
    referenced_invoice: str | None = None  # hivszamlaszam
    referenced_proforma: str | None = None  # hivdijbekszam
    economic_event_id: int = 0  # gazdEsemAzon
    cancelled: bool = False  # sztornozott
    payments: list[Payment] = field(default_factory=list)
    issued_by: int | None = None  # forras
    pdf_mode: str = "embedded"
    omit: tuple[str, ...] = ()
    created_at: float = 0.0  # time.time() of the create; 0 = visible to every lookup

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    @property
    def outstanding(self) -> Decimal:
        return self.gross - self.paid

    def summary(self) -> dict:
        """JSON for the control API; amounts as strings with two decimals."""

        def money(value: Decimal) -> str:
            return str(round_cents(value))

        return {
            "id": self.id,
            "number": self.number,
            "kind": self.kind,
            "prefix": self.prefix,
            "order_number": self.order_number,
            "external_id": self.external_id,
            "e_invoice": self.e_invoice,
            "issued_by": self.issued_by,
            "issue_date": self.issue_date.isoformat(),
            "currency": self.currency,
            "buyer": self.buyer.name,
            "net": money(self.net),
            "vat": money(self.vat),
            "gross": money(self.gross),
            "paid": money(self.paid),
            "outstanding": money(self.outstanding),
            "cancelled": self.cancelled,
            "referenced_invoice": self.referenced_invoice,
            "referenced_proforma": self.referenced_proforma,
            "payments": [
                {"date": p.date.isoformat(), "title": p.title, "amount": money(p.amount)}
                for p in self.payments
            ],
        }


@dataclass
class Account:
    agent_key: str
    supplier_id: int
    seller: Seller = field(default_factory=Seller)
    prefixes: list[str] = field(default_factory=lambda: ["DEMO", "WEB"])
    push_url: str | None = None
    push_key: str | None = None
    ipn_url: str | None = None
    # The data connection's other receivers (same push_key): incoming supplier invoices
    # (`szamlabe`), the daily receipt batch (`xmlnyugtaarchiv`), bank transactions
    # (`banktranz`). Registered per receiving system as urlszamlabe/urlnyugta/urlbanktranz.
    incoming_push_url: str | None = None
    receipt_push_url: str | None = None
    bank_push_url: str | None = None
    # The account toggle "Rendelésszám ismétlődésének tiltása" (ON in the sandbox).
    forbid_order_number_repetition: bool = True
    # Spell header amounts with a decimal comma ("1270,5"); the default is a dot.
    decimal_comma_headers: bool = False
    # Proformas numbered D-PREFIX-YYYY-N instead of D-PREFIX-N (assumed account variant).
    proforma_numbers_with_year: bool = False
    # Lookups by order number or external id miss a document younger than this.
    lookup_delay_seconds: float = 0.0
    # Elements left out of this account's pushes and query answers (variants.OMITTABLE).
    omit_elements: tuple[str, ...] = ()
    # Left out of XML query answers only: what the official query answer example omits
    # (pushes carry them, as the official push example does); gazdEsemAzon stays, live
    # answers were seen with it.
    query_omit_elements: tuple[str, ...] = (
        "alap/keszpenz",
        "alap/katafokonyv",
        "vevo/lokacio",
        "vevo/privatePersonIndicator",
        "tetel/sztetordering",
    )
    documents: dict[str, Document] = field(default_factory=dict)
    # Deleted and converted proformas: gone from every query, kept for /_sandbox/state.
    removed: dict[str, Document] = field(default_factory=dict)
    counters: dict[tuple, int] = field(default_factory=dict)
    # Partner (buyer) ids: Számlázz.hu keeps one partner record per buyer name.
    partners: dict[str, int] = field(default_factory=dict)
    # Receipts by number (receipts.py), incoming supplier invoices by id and bank
    # transactions (inbound.py). Mutable, so __setstate__ adds them to older state files.
    receipts: dict[str, Receipt] = field(default_factory=dict)
    incoming: dict[int, IncomingInvoice] = field(default_factory=dict)
    bank_transactions: list[BankTransaction] = field(default_factory=list)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name in ("receipts", "incoming"):
            self.__dict__.setdefault(name, {})
        self.__dict__.setdefault("bank_transactions", [])

    def partner_id(self, buyer_name: str) -> int:
        return self.partners.setdefault(buyer_name, 3000001 + len(self.partners))

    def find(
        self,
        number: str | None = None,
        order_number: str | None = None,
        external_id: str | None = None,
    ) -> Document | None:
        """The query surface: by number, else the newest holder of an order or external id.

        Lookups other than by number skip documents created less than
        ``lookup_delay_seconds`` ago: a create whose answer was lost may still be settling.
        """
        if number:
            return self.documents.get(number)
        settled_before = time.time() - self.lookup_delay_seconds
        docs = sorted(self.documents.values(), key=lambda d: d.id, reverse=True)
        for doc in docs:
            if self.lookup_delay_seconds and doc.created_at > settled_before:
                continue
            if order_number and doc.order_number == order_number:
                return doc
            if external_id and doc.external_id == external_id:
                return doc
        return None


@dataclass
class Change:
    """A document issue or change the push queue must announce."""

    account: Account
    document: Document
    payment_changed: bool = False


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self._ids = itertools.count(FIRST_DOCUMENT_ID)
            self._supplier_ids = itertools.count(972720)
            self.accounts: dict[str, Account] = {}
            self.upsert_account(DEMO_AGENT_KEY)

    def save(self, path: Path) -> None:
        """Write the accounts and their documents to ``path`` (the sandbox's own file)."""
        with self.lock:
            state = {
                "next_id": next(self._ids),
                "next_supplier_id": next(self._supplier_ids),
                "accounts": self.accounts,
            }
            self._ids = itertools.count(state["next_id"])
            self._supplier_ids = itertools.count(state["next_supplier_id"])
            path.write_bytes(pickle.dumps(state))

    def load(self, path: Path) -> None:
        """Continue from a file :meth:`save` wrote, as Számlázz.hu remembers its documents."""
        # pickle: the file is one this sandbox wrote on this machine, never received input.
        state = pickle.loads(path.read_bytes())  # noqa: S301
        with self.lock:
            self._ids = itertools.count(state["next_id"])
            self._supplier_ids = itertools.count(state["next_supplier_id"])
            self.accounts = state["accounts"]

    def next_id(self) -> int:
        """The next internal id; documents, receipts, incoming invoices and bank
        transactions share one sequence (call with the lock held)."""
        return next(self._ids)

    def upsert_account(self, agent_key: str, seller: dict | None = None, **settings) -> Account:
        with self.lock:
            account = self.accounts.get(agent_key)
            if account is None:
                account = Account(agent_key, next(self._supplier_ids))
                self.accounts[agent_key] = account
            if seller:
                account.seller = replace(account.seller, **seller)
            for name, value in settings.items():
                setattr(account, name, value)
            return account

    def account(self, agent_key: str | None) -> Account:
        account = self.accounts.get(agent_key or "")
        if account is None:
            raise AgentFailure(errors.LOGIN_FAILED)
        return account

    # -- numbering ---------------------------------------------------------------------

    @staticmethod
    def _next_number(account: Account, kind: str, prefix: str, year: int, e_invoice: bool) -> str:
        # Invoices and their stornos share a series per form: paper `WEB-2026-N`, e-invoices
        # `E-WEB-2026-N` (independent counters). Proformas `D-WEB-N` never restart yearly;
        # delivery notes `SL-WEB-2026-N`. The key's first part keeps old state files' paper
        # counters (`SZ`) continuing.
        if kind == PROFORMA:
            with_year = account.proforma_numbers_with_year
            key = (PROFORMA, prefix, year if with_year else None)
            stem = f"D-{prefix}-{year}" if with_year else f"D-{prefix}"
        elif kind == DELIVERY_NOTE:
            key, stem = (DELIVERY_NOTE, prefix, year), f"SL-{prefix}-{year}"
        elif e_invoice:
            key, stem = ("E", prefix, year), f"E-{prefix}-{year}"
        else:
            key, stem = (INVOICE, prefix, year), f"{prefix}-{year}"
        account.counters[key] = account.counters.get(key, 0) + 1
        return f"{stem}-{account.counters[key]}"

    # -- rules -------------------------------------------------------------------------

    def issue(self, account: Account, spec: DocumentSpec) -> tuple[Document, list[Change]]:
        """Create a document; an identical repeat under the same order number returns the
        existing one and no change. A repeated external id is no obstacle (A3, XPRB)."""
        with self.lock:
            prefix = (spec.prefix or account.prefixes[0]).strip()
            if prefix not in account.prefixes:
                raise AgentFailure(
                    errors.INVALID_PREFIX,
                    (
                        f"A megadott számlaszám előtag ({prefix}) nem használható. "
                        "Előbb vegye fel a számlázó beállításokban."
                    ),
                )
            order_number = spec.order_number.strip() if spec.order_number else None
            duplicate = self._order_number_holder(account, spec.kind, order_number)
            if duplicate is not None:
                if duplicate.buyer.name == spec.buyer.name and duplicate.gross == sum(
                    (i.gross for i in spec.items), Decimal(0)
                ):
                    # Identical request: Számlázz.hu replays it. The external id is not part
                    # of the comparison and is not stored: it attaches only on a create.
                    return duplicate, []
                raise AgentFailure(
                    errors.DUPLICATE_ORDER_NUMBER, f"Már létező rendelésszám: {order_number}."
                )
            self._check_items(spec.items)
            today = dt.date.today()
            issue_date = spec.issue_date or today
            doc = Document(
                id=next(self._ids),
                number="",
                kind=spec.kind,
                prefix=prefix,
                issue_date=issue_date,
                fulfillment_date=spec.fulfillment_date or issue_date,
                due_date=spec.due_date or issue_date,
                payment_method=spec.payment_method,
                currency=spec.currency,
                language=spec.language,
                buyer=spec.buyer,
                items=list(spec.items),
                order_number=order_number,
                external_id=spec.external_id,
                e_invoice=spec.e_invoice,
                exchange_bank=spec.exchange_bank,
                exchange_rate=spec.exchange_rate,
                note=spec.note,
                seller_bank=spec.seller_bank,
                seller_bank_account=spec.seller_bank_account,
                email=spec.email,
                issued_by=spec.issued_by,
                pdf_mode=spec.pdf_mode,
                omit=tuple(spec.omit),
                created_at=time.time(),
            )
            doc.economic_event_id = doc.id
            proforma = self._proforma_settled_by(account, spec, order_number)
            if proforma is not None:
                # The proforma is consumed: it vanishes from every query.
                doc.referenced_proforma = proforma.number
                doc.economic_event_id = proforma.id
                account.removed[proforma.number] = account.documents.pop(proforma.number)
            doc.number = self._next_number(
                account, spec.kind, prefix, issue_date.year, spec.e_invoice
            )
            if spec.paid:
                doc.payments.append(Payment(issue_date, spec.payment_method, doc.gross))
            account.documents[doc.number] = doc
            return doc, [Change(account, doc, payment_changed=spec.paid)]

    @staticmethod
    def _proforma_settled_by(
        account: Account, spec: DocumentSpec, order_number: str | None
    ) -> Document | None:
        if spec.kind != INVOICE:
            return None
        if spec.proforma_number:
            # An unknown or already consumed number is silently ignored, as observed live.
            named = account.documents.get(spec.proforma_number)
            return named if named is not None and named.kind == PROFORMA else None
        # Without a reference, a live proforma under the same order number is linked
        # anyway (C1-3, seen for a prepayment invoice; assumed for SZ): the newest one.
        holders = [
            d
            for d in account.documents.values()
            if d.kind == PROFORMA and order_number and d.order_number == order_number
        ]
        return max(holders, key=lambda d: d.id, default=None)

    def _order_number_holder(
        self, account: Account, kind: str, order_number: str | None
    ) -> Document | None:
        # Per kind; a stornoed document frees its order number; stornos are exempt.
        if not (account.forbid_order_number_repetition and order_number) or kind == STORNO:
            return None
        for doc in account.documents.values():
            if doc.kind == kind and doc.order_number == order_number and not doc.cancelled:
                return doc
        return None

    @staticmethod
    def _check_items(items: list[Item]) -> None:
        # Values off by up to ITEM_TOLERANCE are accepted and kept as sent (live for the
        # net; the same bound for VAT and gross is an assumption). Beyond it: refused.
        for item in items:
            if abs(item.net - item.quantity * item.net_unit_price) > ITEM_TOLERANCE:
                raise AgentFailure(errors.ITEM_NET_WRONG, errors.item_net_wrong(item.name))
            if abs(item.vat - item.net * item.vat_percent / 100) > ITEM_TOLERANCE:
                raise AgentFailure(errors.ITEM_VAT_WRONG, errors.item_vat_wrong(item.name))
            if abs(item.gross - (item.net + item.vat)) > ITEM_TOLERANCE:
                raise AgentFailure(errors.ITEM_GROSS_WRONG, errors.item_gross_wrong(item.name))

    def storno(
        self,
        account: Account,
        number: str,
        issue_date: dt.date | None = None,
        fulfillment_date: dt.date | None = None,
        external_id: str | None = None,
        note: str | None = None,
        e_invoice: bool | None = None,
    ) -> tuple[Document, list[Change]]:
        """Reverse ``number``. ``e_invoice``: the storno's form (the Agent request's
        `eszamla`, P73: not the original's); None keeps the original's (the web UI)."""
        with self.lock:
            original = account.documents.get(number)
            if original is None:
                raise AgentFailure(errors.MISSING_DATA, f"Ismeretlen számlaszám: {number}.")
            if original.kind == STORNO:
                raise AgentFailure(errors.STORNO_OF_STORNO)
            if original.kind in (PROFORMA, DELIVERY_NOTE):
                return original, []  # Számlázz.hu answers success and changes nothing
            if original.cancelled:
                existing = next(
                    d
                    for d in account.documents.values()
                    if d.kind == STORNO and d.referenced_invoice == number
                )
                return existing, []
            today = dt.date.today()
            if issue_date is not None and issue_date != today:
                raise AgentFailure(
                    errors.STORNO_DATE_NOT_TODAY,
                    f"A számla kelte csak a mai nap lehet: {today:%Y.%m.%d}.",
                )
            form = original.e_invoice if e_invoice is None else e_invoice
            storno = replace(
                original,
                id=next(self._ids),
                kind=STORNO,
                issue_date=today,
                fulfillment_date=fulfillment_date or original.fulfillment_date,
                items=[i.negated() for i in original.items],
                external_id=external_id,
                note=note,
                referenced_invoice=original.number,
                referenced_proforma=None,
                economic_event_id=original.id,
                cancelled=False,
                payments=[],
                e_invoice=form,
                issued_by=None,
                pdf_mode="embedded",
                omit=(),
                created_at=time.time(),
            )
            storno.number = self._next_number(account, STORNO, original.prefix, today.year, form)
            had_payments = bool(original.payments)
            original.cancelled = True
            original.payments = []  # a storno wipes the original's credit entries
            account.documents[storno.number] = storno
            return storno, [
                Change(account, storno),
                Change(account, original, payment_changed=had_payments),
            ]

    def set_payments(
        self, account: Account, number: str, payments: list[Payment], additive: bool
    ) -> tuple[Document, list[Change]]:
        with self.lock:
            doc = account.documents.get(number)
            if doc is None:
                raise AgentFailure(errors.MISSING_DATA, f"Ismeretlen számlaszám: {number}.")
            if doc.cancelled or doc.kind == STORNO:
                raise AgentFailure(errors.PAYMENT_ON_REVERSED)
            doc.payments = (doc.payments + payments) if additive else list(payments)
            return doc, [Change(account, doc, payment_changed=True)]

    def delete_proforma(
        self, account: Account, number: str | None, order_number: str | None
    ) -> list[Document]:
        with self.lock:
            targets = [
                d
                for d in account.documents.values()
                if d.kind == PROFORMA
                and (
                    (number and d.number == number)
                    or (not number and order_number and d.order_number == order_number)
                )
            ]
            if not targets:
                raise AgentFailure(errors.PROFORMA_NOT_FOUND)
            for doc in targets:
                account.removed[doc.number] = account.documents.pop(doc.number)
            return targets

    def pay(
        self, account: Account, number: str, amount: Decimal | None, date: dt.date | None
    ) -> tuple[Document, list[Change]]:
        """A payment arriving in the web UI: converts a proforma, credits an invoice."""
        with self.lock:
            doc = account.documents.get(number)
            if doc is None:
                raise AgentFailure(errors.MISSING_DATA, f"Ismeretlen számlaszám: {number}.")
            date = date or dt.date.today()
            if doc.kind == PROFORMA:
                spec = DocumentSpec(
                    kind=INVOICE,
                    buyer=doc.buyer,
                    items=doc.items,
                    issue_date=date,
                    fulfillment_date=date,
                    due_date=date,
                    payment_method=doc.payment_method,
                    currency=doc.currency,
                    language=doc.language,
                    prefix=doc.prefix,
                    proforma_number=doc.number,
                    e_invoice=doc.e_invoice,
                    paid=True,
                    exchange_bank=doc.exchange_bank,
                    exchange_rate=doc.exchange_rate,
                )
                # The proforma's order number moves to the invoice.
                invoice, changes = self.issue(account, spec)
                invoice.order_number = doc.order_number
                return invoice, changes
            payment = Payment(date, doc.payment_method, amount or doc.outstanding)
            return self.set_payments(account, number, [payment], additive=True)
