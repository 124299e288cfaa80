"""What reaches an account from outside: invoices its suppliers issued to it (`szamlabe`)
and its bank transactions (`banktranz`). Both exist only to be pushed through the data
connection; call everything here with the store lock held.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .money import round_cents
from .store import INVOICE, STORNO, Account, Item, ItemTotals, Store

IN, OUT = "BE", "KI"  # banktranz.xsd `irany`


@dataclass
class Supplier:
    name: str
    zip: str
    city: str
    street: str
    country: str = ""
    tax_number: str = ""
    eu_tax_number: str = ""
    identifier: str = ""
    bank_account: str = ""


@dataclass
class IncomingInvoice(ItemTotals):
    id: int
    number: str
    kind: str  # SZ | SS
    supplier: Supplier
    items: list[Item]
    issue_date: dt.date
    fulfillment_date: dt.date
    due_date: dt.date
    payment_method: str
    currency: str
    referenced_invoice: str | None = None  # hivszamlaszam of an SS
    economic_event_id: int = 0  # gazdEsemAzon: an SS carries its original's id
    pdf: bool = True  # the receiving system's registration option pdfszamlabe
    cancelled: bool = False

    def summary(self) -> dict:
        return {
            "id": self.id,
            "number": self.number,
            "kind": self.kind,
            "supplier": self.supplier.name,
            "supplier_tax_number": self.supplier.tax_number,
            "issue_date": self.issue_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "currency": self.currency,
            "net": str(round_cents(self.net)),
            "vat": str(round_cents(self.vat)),
            "gross": str(round_cents(self.gross)),
            "referenced_invoice": self.referenced_invoice,
            "cancelled": self.cancelled,
        }


@dataclass
class BankTransaction:
    id: int
    bank_account: str  # the account's own
    value_date: dt.date
    direction: str  # BE | KI
    amount: Decimal  # the magnitude; the direction says which way
    currency: str
    reference: str = ""  # kozlemeny
    counterparty_name: str = ""
    counterparty_account: str = ""
    technical: bool = False
    type: str = ""  # tipus, free text

    def summary(self) -> dict:
        return {
            "id": self.id,
            "bank_account": self.bank_account,
            "value_date": self.value_date.isoformat(),
            "direction": self.direction,
            "amount": str(round_cents(self.amount)),
            "currency": self.currency,
            "reference": self.reference,
            "counterparty_name": self.counterparty_name,
            "counterparty_account": self.counterparty_account,
            "technical": self.technical,
            "type": self.type,
        }


def find_incoming(
    account: Account, number: str, supplier_name: str | None
) -> IncomingInvoice | None:
    """The newest incoming invoice with ``number`` (from ``supplier_name`` when given)."""
    matches = [
        i
        for i in account.incoming.values()
        if i.number == number and (supplier_name is None or i.supplier.name == supplier_name)
    ]
    return max(matches, key=lambda i: i.id, default=None)


def receive_invoice(
    store: Store,
    account: Account,
    supplier: Supplier | None,
    items: list[Item] | None,
    number: str | None = None,
    issue_date: dt.date | None = None,
    due_date: dt.date | None = None,
    payment_method: str = "átutalás",
    currency: str = "HUF",
    storno_of: str | None = None,
    pdf: bool = True,
) -> IncomingInvoice:
    """Record an invoice a supplier issued to ``account``. With ``storno_of`` it is that
    supplier's storno (`SS`); a known original lends its supplier and negated items."""
    original = None
    if storno_of:
        original = find_incoming(account, storno_of, supplier.name if supplier else None)
        if original is not None:
            supplier = supplier or original.supplier
            items = items or [i.negated() for i in original.items]
    if supplier is None:
        raise ValueError("supplier is required (unless storno_of names a known invoice)")
    if not items:
        raise ValueError("items are required (unless storno_of names a known invoice)")
    issue_date = issue_date or dt.date.today()
    if not number:
        # The supplier's own number; its format is the supplier's business (assumption).
        key = ("BE", supplier.name, issue_date.year)
        account.counters[key] = account.counters.get(key, 0) + 1
        number = f"SZLA-{issue_date.year}-{account.counters[key]}"
    invoice = IncomingInvoice(
        id=store.next_id(),
        number=number,
        kind=STORNO if storno_of else INVOICE,
        supplier=supplier,
        items=list(items),
        issue_date=issue_date,
        fulfillment_date=issue_date,
        due_date=due_date or issue_date + dt.timedelta(days=8),
        payment_method=payment_method,
        currency=currency,
        referenced_invoice=storno_of or None,
        pdf=pdf,
    )
    invoice.economic_event_id = original.id if original is not None else invoice.id
    if original is not None:
        original.cancelled = True
    account.incoming[invoice.id] = invoice
    return invoice


def record_transaction(
    store: Store,
    account: Account,
    amount: Decimal,
    reference: str,
    currency: str = "HUF",
    value_date: dt.date | None = None,
    counterparty_name: str = "",
    counterparty_account: str = "",
    bank_account: str | None = None,
    technical: bool = False,
    type_: str = "",
) -> BankTransaction:
    """A transaction on the account's bank account: positive = money in (BE)."""
    transaction = BankTransaction(
        id=store.next_id(),
        bank_account=bank_account or account.seller.bank_account,
        value_date=value_date or dt.date.today(),
        direction=IN if amount >= 0 else OUT,
        amount=abs(amount),
        currency=currency,
        reference=reference,
        counterparty_name=counterparty_name,
        counterparty_account=counterparty_account,
        technical=technical,
        type=type_,
    )
    account.bank_transactions.append(transaction)
    return transaction
