"""Typed values read from Számlázz.hu answers (money as Decimal, dates as date)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .numbers import DocumentNumber, split_document_number


@dataclass(frozen=True)
class Address:
    country: str | None
    zip: str | None
    city: str | None
    street: str | None


@dataclass(frozen=True)
class Seller:
    id: int | None
    name: str
    address: Address
    tax_number: str | None
    eu_tax_number: str | None
    group_id: str | None
    bank_name: str | None
    bank_account: str | None


@dataclass(frozen=True)
class Buyer:
    id: int | None
    name: str | None  # empty for many private persons, as Számlázz.hu sends them
    identifier: str | None
    address: Address
    postal_address: Address | None
    email: str | None
    tax_number: str | None
    group_id: str | None
    eu_tax_number: str | None
    location: int | None
    private_person: bool


@dataclass(frozen=True)
class Item:
    """One `tetel`; a value Számlázz.hu left out or sent unreadable is None (and, where
    Odoo needs it, named in ``SzamlaDocument.problems``)."""

    name: str | None
    identifier: str | None
    quantity: Decimal | None
    unit: str | None
    net_unit_price: Decimal | None
    vat_type: str | None  # e.g. "TAM", "AAM"; None for a plain percentage rate
    vat_rate: Decimal | None
    net: Decimal | None
    vat: Decimal | None
    gross: Decimal | None
    note: str | None
    ordering: int | None


@dataclass(frozen=True)
class Payment:
    date: date
    title: str
    amount: Decimal
    note: str | None
    bank_account: str | None
    bank_transaction_id: int | None
    exchange_rate: Decimal | None


@dataclass(frozen=True)
class VatSummary:
    vat_type: str | None
    vat_rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class SzamlaDocument:
    """One `szamla` document (query answer or push), see szamla.xsd.

    Only the number is sure to be there: Számlázz.hu leaves out or empties elements its
    own schema requires (buyer name, currency, ``lokacio``, ``sztetordering``, ...). What
    is missing is None; what Odoo needs and could not read is listed in ``problems``.
    """

    seller: Seller | None
    internal_id: int | None
    number: str
    kind: str | None  # alap/tipus: SZ invoice, SS storno, D proforma, SL delivery note, ...
    e_invoice: bool
    referenced_invoice: str | None  # hivszamlaszam, e.g. the invoice a storno reverses
    referenced_proforma: str | None  # hivdijbekszam, the proforma an invoice settles
    issue_date: date | None
    fulfillment_date: date | None
    due_date: date | None
    payment_method: str | None
    payment_method_unified: str | None
    cash: bool
    order_number: str | None
    language: str | None
    currency: str | None
    exchange_bank: str | None
    exchange_rate: Decimal | None
    note: str | None
    email: str | None  # alap/email: the address the invoice itself was sent to
    test: bool
    cancelled: bool  # sztornozott: a storno exists for this document
    buyer: Buyer
    items: tuple[Item, ...]
    vat_summaries: tuple[VatSummary, ...]
    net: Decimal | None
    vat: Decimal | None
    gross: Decimal | None
    payments: tuple[Payment, ...]
    pdf: bytes | None
    raw: bytes = field(repr=False)
    # alap/forras: set only when another program issued the document (szamla.xsd:
    # 26 QUiCK, 28 SMARTBooks, 34 NAV Online számla import).
    issued_by: int | None = None
    problems: tuple[str, ...] = ()
    pdf_problem: str | None = None  # a <pdf> that was there but could not be read
    # SHA-256 of the document's content without the PDF: a re-query (asked without the
    # PDF) of an unchanged pushed document has the same one.
    content_sha256: str = ""

    @property
    def number_parts(self) -> DocumentNumber | None:
        return split_document_number(self.number, e_invoice=self.e_invoice)

    @property
    def prefix(self) -> str | None:
        """The prefix the number was issued under ("E-WEB-2026-1", "D-WEB-7" → "WEB")."""
        parts = self.number_parts
        return parts.prefix if parts else None

    @property
    def paid_amount(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), Decimal("0"))

    @property
    def outstanding_amount(self) -> Decimal | None:
        return None if self.gross is None else self.gross - self.paid_amount


@dataclass(frozen=True)
class InvoiceResult:
    """What a create/storno/credit entry answered (xmlszamlavalasz and headers)."""

    number: str | None
    net: Decimal | None
    gross: Decimal | None
    outstanding: Decimal | None
    buyer_account_url: str | None
    pdf: bytes | None = field(default=None, repr=False)
    internal_id: int | None = None  # szlahu_id header, the id pushes carry in alap/id


@dataclass(frozen=True)
class TaxpayerInfo:
    valid: bool
    tax_number: str | None
    name: str | None
    address: Address | None
