"""Typed values read from Számlázz.hu answers (money as Decimal, dates as date)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

# "PREFIX-YYYY-N"; proformas and delivery notes carry their series in front
# ("D-WEB-2026-1", "SL-WEB-2026-1") but are numbered under the same prefix.
_DOCUMENT_NUMBER = re.compile(r"^(?:(?:D|SL)-)?(?P<prefix>.+)-(?P<year>\d{4})-(?P<sequence>\d+)$")


_HUNGARIAN_TAX_NUMBER = re.compile(r"(?:HU)?(\d{8})(?:\d{3})?")


def hungarian_tax_core(value: str | None) -> str | None:
    """The 8-digit törzsszám of a Hungarian tax number ("12345678-2-42") or EU VAT number
    ("HU12345678"), in any spelling; None when the value is neither."""
    match = _HUNGARIAN_TAX_NUMBER.fullmatch(re.sub(r"[\W_]+", "", value or "").upper())
    return match.group(1) if match else None


class DocumentNumber(NamedTuple):
    prefix: str
    year: int
    sequence: int


def split_document_number(number: str | None) -> DocumentNumber | None:
    """The parts of a Számlázz.hu document number, or None when it is not numbered that way."""
    match = _DOCUMENT_NUMBER.match(number or "")
    if not match:
        return None
    return DocumentNumber(match["prefix"], int(match["year"]), int(match["sequence"]))


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
    name: str
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
    name: str
    identifier: str | None
    quantity: Decimal
    unit: str | None
    net_unit_price: Decimal
    vat_type: str | None  # e.g. "TAM", "AAM"; None for a plain percentage rate
    vat_rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
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
    """One `szamla` document (query answer or push), see szamla.xsd."""

    seller: Seller
    internal_id: int
    number: str
    kind: str  # alap/tipus: SZ invoice, SS storno, D proforma, SL delivery note, ...
    e_invoice: bool
    referenced_invoice: str | None  # hivszamlaszam, e.g. the invoice a storno reverses
    referenced_proforma: str | None  # hivdijbekszam, the proforma an invoice settles
    issue_date: date
    fulfillment_date: date
    due_date: date
    payment_method: str
    payment_method_unified: str | None
    cash: bool
    order_number: str | None
    language: str
    currency: str
    exchange_bank: str | None
    exchange_rate: Decimal | None
    note: str | None
    email: str | None  # alap/email: the address the invoice itself was sent to
    test: bool
    cancelled: bool  # sztornozott: a storno exists for this document
    buyer: Buyer
    items: tuple[Item, ...]
    vat_summaries: tuple[VatSummary, ...]
    net: Decimal
    vat: Decimal
    gross: Decimal
    payments: tuple[Payment, ...]
    pdf: bytes | None
    raw: bytes = field(repr=False)

    @property
    def prefix(self) -> str | None:
        """The prefix the number was issued under ("D-WEB-2026-1" → "WEB"), if any."""
        parts = split_document_number(self.number)
        return parts.prefix if parts else None

    @property
    def paid_amount(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), Decimal("0"))

    @property
    def outstanding_amount(self) -> Decimal:
        return self.gross - self.paid_amount


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
