"""The one table of Számlázz.hu document kinds (``alap/tipus``); every rule about kinds
is derived from it, in Python and, through computed booleans, in views."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    series: str = "invoice"  # invoice, proforma, delivery_note or receipt: how it is numbered
    payable: bool = False  # asks the buyer for money: it has a payment state
    debt: bool = False  # owed until paid: reminders, credit entries, partner's outstanding
    stock_sign: int = 0  # 1: items move with the sign they carry; 0: no stock effect
    returns_goods: bool = False  # brings back what the document it cancels moved
    follows_original: bool = False  # processed after the document it refers to
    owes_nothing: bool = False  # never owes anything, whatever its totals say
    same_goods_as: tuple = ()  # kinds of the same order that carry the same goods


KINDS = (
    DocumentKind("SZ", "Invoice", payable=True, debt=True, stock_sign=1, same_goods_as=("SL",)),
    DocumentKind("D", "Proforma", series="proforma", payable=True),
    DocumentKind("ES", "Prepayment invoice", payable=True, debt=True),
    DocumentKind(
        "VS", "Final invoice", payable=True, debt=True, stock_sign=1, same_goods_as=("SL",)
    ),
    DocumentKind(
        "HS", "Corrective invoice", payable=True, debt=True, stock_sign=1, follows_original=True
    ),
    DocumentKind(
        "SS", "Storno invoice", returns_goods=True, follows_original=True, owes_nothing=True
    ),
    DocumentKind("JS", "JS document", payable=True, debt=True),
    DocumentKind(
        "SL",
        "Delivery note",
        series="delivery_note",
        stock_sign=1,
        same_goods_as=("SZ", "VS"),
    ),
    # Receipts (nyugta) come in the daily receipt batch; they have no buyer and are paid.
    DocumentKind("NY", "Receipt", series="receipt", stock_sign=1),
    DocumentKind(
        "SN",
        "Storno receipt",
        series="receipt",
        returns_goods=True,
        follows_original=True,
        owes_nothing=True,
    ),
)
BY_CODE = {kind.code: kind for kind in KINDS}
SELECTION = [(kind.code, kind.label) for kind in KINDS]


def kind_of(code):
    """The ``DocumentKind`` of ``code``, or None for a kind Odoo does not know."""
    return BY_CODE.get(code)


def codes(**rule):
    """The codes of the kinds whose attributes have the given values, in table order:
    ``codes(debt=True)`` → ``("SZ", "ES", "VS", "HS", "JS")``."""
    return tuple(
        kind.code
        for kind in KINDS
        if all(getattr(kind, name) == value for name, value in rule.items())
    )


def codes_where(predicate):
    """The codes of the kinds ``predicate(kind)`` holds for, in table order."""
    return tuple(kind.code for kind in KINDS if predicate(kind))


def is_proforma(code):
    """Whether ``code`` is the kind of a proforma (díjbekérő)."""
    kind = BY_CODE.get(code)
    return bool(kind and kind.series == "proforma")
