"""Typed requests the client turns into Számla Agent XML.

Money is Decimal. Item amounts are computed here, not by the caller, so that the
net/VAT/gross triple sent to Számlázz.hu is always consistent (codes 259–264 reject
inconsistent items). Rounding: 2 decimals, ROUND_HALF_UP, for every currency.
Számlázz.hu accepts 2 decimals on HUF invoices too (only HUF *receipts* demand
whole gross amounts), and keeping cents avoids a per-item rounding drift against
the Odoo lines, which keep 2 decimals themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_PAYMENTS_PER_CREDIT_ENTRY = 5  # xmlszamlakifiz.xsd: kifizetes maxOccurs="5"


def as_decimal(value: Decimal | float | int | str) -> Decimal:
    """Decimal of a number; floats (Odoo's Float fields) go through str so that
    0.1 stays 0.1 instead of its binary expansion."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_percentage(vat_rate: str) -> Decimal | None:
    """The rate as a percentage ("27" → 27), or None for a code like "TAM" or "AAM"."""
    try:
        rate = Decimal(vat_rate.strip())
    except InvalidOperation:
        return None
    return rate if rate.is_finite() else None


@dataclass(frozen=True)
class InvoiceItemRequest:
    name: str
    quantity: Decimal
    unit: str
    net_unit_price: Decimal
    vat_rate: str  # "27", "18", "5", "0", or a code: "TAM", "AAM", "EU", "EUK", ...
    identifier: str | None = None
    note: str | None = None

    @property
    def net(self) -> Decimal:
        return round_money(as_decimal(self.quantity) * as_decimal(self.net_unit_price))

    @property
    def vat(self) -> Decimal:
        rate = vat_percentage(self.vat_rate)
        if rate is None:  # VAT codes (exempt, reverse charge, ...) carry no VAT amount
            return Decimal("0.00")
        return round_money(self.net * rate / Decimal(100))

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


@dataclass(frozen=True)
class BuyerRequest:
    name: str
    zip: str
    city: str
    street: str
    country: str | None = None
    email: str | None = None
    tax_number: str | None = None
    eu_tax_number: str | None = None
    identifier: str | None = None
    # adoalany: 7 non-EU business, 6 EU business, 1 Hungarian tax number,
    # 0 unknown, -1 private person (no tax number)
    taxpayer_kind: int | None = None
    phone: str | None = None


@dataclass(frozen=True)
class InvoiceRequest:
    issue_date: date
    fulfillment_date: date
    due_date: date
    payment_method: str
    currency: str
    language: str
    items: list[InvoiceItemRequest]
    buyer: BuyerRequest
    proforma: bool = False  # dijbekero
    delivery_note: bool = False  # szallitolevel
    e_invoice: bool = False
    prefix: str | None = None  # szamlaszamElotag
    order_number: str | None = None  # rendelesSzam
    external_id: str | None = None  # szamlaKulsoAzon: makes a lost answer recoverable
    proforma_number: str | None = None  # dijbekeroSzamlaszam: the proforma this settles
    exchange_bank: str | None = None  # arfolyamBank, e.g. "MNB"
    exchange_rate: Decimal | None = None  # arfolyam; MNB's rate of the day if omitted
    seller_bank: str | None = None
    seller_bank_account: str | None = None
    note: str | None = None
    paid: bool = False  # fizetve
    send_email: bool = False
    with_pdf: bool = True  # szamlaLetoltes

    @property
    def net(self) -> Decimal:
        return sum((item.net for item in self.items), Decimal("0.00"))

    @property
    def gross(self) -> Decimal:
        return sum((item.gross for item in self.items), Decimal("0.00"))


@dataclass(frozen=True)
class StornoRequest:
    number: str
    issue_date: date | None = None
    fulfillment_date: date | None = None
    e_invoice: bool = False
    external_id: str | None = None  # szamlaKulsoAzon of the storno invoice itself
    with_pdf: bool = True


@dataclass(frozen=True)
class PaymentRequest:
    date: date
    title: str  # jogcim: the payment method, e.g. "átutalás"
    amount: Decimal
    note: str | None = None


@dataclass(frozen=True)
class CreditEntryRequest:
    number: str
    payments: list[PaymentRequest] = field(default_factory=list)
    # additiv: True adds to the existing credit entries, False replaces them all
    additive: bool = True
