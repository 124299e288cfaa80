"""Typed values read from Számlázz.hu answers (money as Decimal, dates as date)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .numbers import INVOICE_SERIES, DocumentNumber, split_document_number


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


@dataclass(frozen=True)
class IncomingInvoice:
    """One `szamlabe` document (szamlabe.xsd): an invoice a supplier issued to the account,
    pushed by the data connection.

    Read as leniently as a `szamla`: only the number is sure to be there. What is missing is
    None; what Odoo needs and could not read (the supplier, the kind, the issue date, an
    item quantity, the totals) is listed in ``problems``.
    """

    supplier: Seller | None  # szallito: the supplier, as Számlázz.hu knows it
    internal_id: int | None  # alap/id: Számlázz.hu's id, echoed by the acknowledgement
    number: str  # the supplier's number, however the supplier numbers its invoices
    economic_event_id: int | None  # gazdEsemAzon
    filing_number: str | None  # iktatoszam
    kind: str | None  # alap/tipus: SZ invoice, SS storno, ...
    e_invoice: bool  # alap/eszamla ≥ 2
    referenced_invoice: str | None  # hivszamlaszam, e.g. the invoice a storno reverses
    referenced_proforma: str | None  # hivdijbekszam
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
    test: bool
    cancelled: bool  # sztornozott: a storno exists for this invoice
    buyer: Buyer | None  # vevo: the account itself; None when the document has no <vevo>
    items: tuple[Item, ...]
    vat_summaries: tuple[VatSummary, ...]
    net: Decimal | None
    vat: Decimal | None
    gross: Decimal | None
    payments: tuple[Payment, ...]
    pdf: bytes | None
    raw: bytes = field(repr=False)
    issued_by: int | None = None  # alap/forras
    problems: tuple[str, ...] = ()
    pdf_problem: str | None = None
    content_sha256: str = ""  # as SzamlaDocument's: without the PDF and the buyer

    @property
    def paid_amount(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), Decimal("0"))

    @property
    def outstanding_amount(self) -> Decimal | None:
        return None if self.gross is None else self.gross - self.paid_amount


RECEIPT_KIND = "NY"
RECEIPT_STORNO_KIND = "SN"


def _receipt_number_parts(number: str | None) -> DocumentNumber | None:
    """A receipt number read as ``PREFIX-YYYY-N``: a receipt prefix is 1–5 capital letters or
    digits, so a leading ``D`` or ``SL`` is the prefix, not a proforma or delivery note
    marker ("D-2026-5" → prefix "D")."""
    parts = split_document_number(number, e_invoice=False)
    if parts is None or parts.series == INVOICE_SERIES:
        return parts
    if parts.year is None:
        return None
    marker = (number or "").strip().partition("-")[0]
    prefix = f"{marker}-{parts.prefix}" if parts.prefix else marker
    return DocumentNumber(prefix, parts.year, parts.sequence)


@dataclass(frozen=True)
class ReceiptPayment:
    """One `kifizetes` of a receipt: how (part of) it was paid."""

    method: str | None  # fizetoeszkoz, e.g. "készpénz", "bankkártya"
    amount: Decimal | None
    note: str | None  # leiras


@dataclass(frozen=True)
class Receipt:
    """One `nyugta` of a daily receipt batch (xmlnyugtaarchiv.xsd).

    Only the number is sure to be there; what Odoo needs and could not read (the kind, the
    issue date, an SN's original, an item quantity, the totals) is listed in ``problems``.
    """

    internal_id: int | None  # alap/id
    call_id: str | None  # hivasAzonosito: the id the issuing program gave the receipt
    number: str  # nyugtaszam, PREFIX-YYYY-N ("NYGTA-2026-12")
    kind: str | None  # tipus: NY receipt, SN storno receipt
    cancelled: bool  # stornozott: reversed by an SN (the docs do not say what an SN says)
    cancelled_number: str | None  # stornozottNyugtaszam: the receipt an SN reverses
    issue_date: date | None
    payment_method: str | None
    currency: str | None  # penznem, as sent ("HUF", "Ft", "EUR", ...)
    exchange_bank: str | None
    exchange_rate: Decimal | None
    note: str | None
    test: bool
    seller_tax_number: str | None  # alap/adoszam: the issuing account's
    order_number: str | None  # rendelesSzam
    items: tuple[Item, ...]
    payments: tuple[ReceiptPayment, ...]
    vat_summaries: tuple[VatSummary, ...]
    net: Decimal | None
    vat: Decimal | None
    gross: Decimal | None
    problems: tuple[str, ...] = ()
    # SHA-256 of the `nyugta` element's content, computed as SzamlaDocument's.
    content_sha256: str = ""

    @property
    def storno(self) -> bool:
        return self.kind == RECEIPT_STORNO_KIND

    @property
    def number_parts(self) -> DocumentNumber | None:
        return _receipt_number_parts(self.number)

    @property
    def prefix(self) -> str | None:
        """The prefix the receipt was issued under ("NYGTA-2026-12" → "NYGTA")."""
        parts = self.number_parts
        return parts.prefix if parts else None


@dataclass(frozen=True)
class ReceiptBatch:
    """One `xmlnyugtaarchiv` push: the receipts of a day's archive.

    A receipt without a number is left out and named in ``problems``; the others are read.
    """

    receipts: tuple[Receipt, ...]
    raw: bytes = field(repr=False)
    problems: tuple[str, ...] = ()


BANK_INCOMING = "BE"
BANK_OUTGOING = "KI"


@dataclass(frozen=True)
class BankTransaction:
    """One `banktranz` (banktranz.xsd): a transaction of one of the account's bank accounts."""

    # Számlázz.hu's id of the transaction; presumably the one a `szamla` payment names in
    # ``banktranzid`` (Payment.bank_transaction_id), which the docs do not say.
    id: int
    bank_account: str | None  # bankszamla: the account's own bank account
    value_date: date | None  # erteknap
    direction: str | None  # irany: "BE" incoming, "KI" outgoing
    type: str | None  # tipus, as the bank names it
    technical: bool  # technikai
    amount: Decimal | None  # osszeg, as sent
    currency: str | None  # devizanem
    partner_name: str | None  # partner/nev: the counterparty
    partner_bank_account: str | None  # partner/bankszamla
    reference: str | None  # kozlemeny
    # The Számlázz.hu document numbers the reference names, as written, in order.
    numbers_mentioned: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def incoming(self) -> bool:
        return self.direction == BANK_INCOMING

    @property
    def signed_amount(self) -> Decimal | None:
        """The amount, negative when the money went out (whatever sign ``osszeg`` had);
        None when the amount or the direction is unknown."""
        if self.amount is None or self.direction not in (BANK_INCOMING, BANK_OUTGOING):
            return None
        return abs(self.amount) if self.incoming else -abs(self.amount)


@dataclass(frozen=True)
class BankTransactionBatch:
    """One `banktranz` push. The schema and the docs put one transaction in each push; the
    batch holds it (and is the unit the receiver stores and acknowledges)."""

    transactions: tuple[BankTransaction, ...]
    raw: bytes = field(repr=False)
    problems: tuple[str, ...] = ()
