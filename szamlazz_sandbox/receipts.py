"""Receipts (nyugta): `NY` and its storno `SN`, numbered per prefix and year, and the daily
batch that hands them to the data connection.

The Számla Agent's receipt actions are not modelled: receipts come from the control API,
as a cash register or the web UI issues them, and reach a receiver only through the
`xmlnyugtaarchiv` batch (README.md, "Receipts"). Call everything here with the store lock
held.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from . import errors
from .errors import AgentFailure
from .money import round_cents
from .store import Account, Item, ItemTotals, Store

RECEIPT, RECEIPT_STORNO = "NY", "SN"  # `alap/tipus` in xmlnyugtaarchiv.xsd
DEFAULT_PREFIX = "NYGTA"  # the prefix of the official receipt request examples
# Live (337): "only capital letters and digits, at most 5 characters".
PREFIX_FORMAT = re.compile(r"[A-Z0-9]{1,5}")


class Refused(Exception):
    """A receipt rule without a documented error code (control API: 409)."""


@dataclass
class ReceiptSpec:
    items: list[Item]
    prefix: str | None = None
    payment_method: str = "készpénz"
    currency: str = "HUF"
    call_id: str | None = None  # hivasAzonosito
    order_number: str | None = None
    issue_date: dt.date | None = None
    note: str | None = None


@dataclass
class Receipt(ItemTotals):
    id: int
    number: str
    kind: str  # NY | SN
    prefix: str
    issue_date: dt.date
    payment_method: str
    currency: str
    items: list[Item]
    call_id: str | None = None
    order_number: str | None = None
    note: str | None = None
    cancelled: bool = False  # stornozott
    cancelled_number: str | None = None  # an SN's stornozottNyugtaszam
    storno_number: str | None = None  # an NY's SN, once reversed
    batch_date: dt.date | None = None  # the day its batch was queued; None = waiting
    payments: list[tuple[str, Decimal]] = field(default_factory=list)  # (fizetoeszkoz, osszeg)

    def summary(self) -> dict:
        def money(value: Decimal) -> str:
            return str(round_cents(value))

        return {
            "id": self.id,
            "number": self.number,
            "kind": self.kind,
            "prefix": self.prefix,
            "issue_date": self.issue_date.isoformat(),
            "payment_method": self.payment_method,
            "currency": self.currency,
            "call_id": self.call_id,
            "order_number": self.order_number,
            "net": money(self.net),
            "vat": money(self.vat),
            "gross": money(self.gross),
            "cancelled": self.cancelled,
            "cancelled_number": self.cancelled_number,
            "storno_number": self.storno_number,
            "batched": self.batch_date is not None,
            "batch_date": self.batch_date.isoformat() if self.batch_date else None,
        }


def _next_number(account: Account, prefix: str, year: int) -> str:
    # NY and SN share one series per prefix and year (live: RSPRB-2026-1, its SN -2).
    key = (RECEIPT, prefix, year)
    account.counters[key] = account.counters.get(key, 0) + 1
    return f"{prefix}-{year}-{account.counters[key]}"


def issue(store: Store, account: Account, spec: ReceiptSpec) -> Receipt:
    prefix = (spec.prefix or DEFAULT_PREFIX).strip()
    if not PREFIX_FORMAT.fullmatch(prefix):
        raise AgentFailure(errors.RECEIPT_PREFIX_FORMAT)
    if prefix in account.prefixes:
        raise AgentFailure(errors.RECEIPT_PREFIX_TAKEN)
    if spec.call_id and any(r.call_id == spec.call_id for r in account.receipts.values()):
        raise AgentFailure(errors.DUPLICATE_CALL_ID)
    if not spec.items:
        raise ValueError("a receipt needs at least one item")
    issue_date = spec.issue_date or dt.date.today()
    receipt = Receipt(
        id=store.next_id(),
        number=_next_number(account, prefix, issue_date.year),
        kind=RECEIPT,
        prefix=prefix,
        issue_date=issue_date,
        payment_method=spec.payment_method,
        currency=spec.currency,
        items=list(spec.items),
        call_id=spec.call_id or None,
        order_number=spec.order_number.strip() if spec.order_number else None,
        note=spec.note,
    )
    # One tender of the whole gross (a paid amount other than the gross is 340).
    receipt.payments = [(spec.payment_method, receipt.gross)]
    account.receipts[receipt.number] = receipt
    return receipt


def storno(store: Store, account: Account, number: str) -> Receipt:
    """Reverse ``number`` with an SN naming it; a repeat answers the existing SN."""
    original = account.receipts.get(number)
    if original is None:
        raise AgentFailure(errors.NO_SUCH_RECEIPT)
    if original.kind == RECEIPT_STORNO:
        raise Refused(f"{number} is a storno receipt (SN); it cannot be reversed")
    if original.storno_number:
        return account.receipts[original.storno_number]
    today = dt.date.today()
    reversal = replace(
        original,
        id=store.next_id(),
        number=_next_number(account, original.prefix, today.year),
        kind=RECEIPT_STORNO,
        issue_date=today,
        items=[i.negated() for i in original.items],
        call_id=None,
        # Live: the queried SN said reversed=true, like its original.
        cancelled=True,
        cancelled_number=original.number,
        storno_number=None,
        batch_date=None,
        payments=[(method, -amount) for method, amount in original.payments],
    )
    original.cancelled = True
    original.storno_number = reversal.number
    account.receipts[reversal.number] = reversal
    return reversal


def waiting(account: Account, day: dt.date | None = None) -> list[Receipt]:
    """Receipts no batch has carried yet, of ``day`` (None: of any day), oldest first."""
    return sorted(
        (
            r
            for r in account.receipts.values()
            if r.batch_date is None and (day is None or r.issue_date == day)
        ),
        key=lambda r: r.id,
    )


def mark_batched(receipts: list[Receipt], today: dt.date) -> None:
    """Each receipt travels in one batch only; a lost batch is retried, not rebuilt."""
    for receipt in receipts:
        receipt.batch_date = today
