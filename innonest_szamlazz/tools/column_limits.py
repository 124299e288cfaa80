"""What the columns a Számlázz.hu document is stored in can hold: values beyond them are
refused at the door (push) or reported (pull, re-query), never answered 500."""

from decimal import Decimal

MAX_INTEGER = 2**31 - 1
MAX_INDEXED_TEXT = 200
MAX_AMOUNT = Decimal("1e15")


def unstorable_values(document):
    """Why ``document`` (an outgoing invoice, a receipt or an incoming invoice) cannot be
    stored as it is, in words; empty when it can."""
    parts = getattr(document, "number_parts", None)
    texts = [
        ("the number", document.number),
        ("the order number", document.order_number),
        ("alap/hivszamlaszam", getattr(document, "referenced_invoice", None)),
        ("alap/hivdijbekszam", getattr(document, "referenced_proforma", None)),
        ("stornozottNyugtaszam", getattr(document, "cancelled_number", None)),
        ("hivasAzonosito", getattr(document, "call_id", None)),
        ("vevo/azonosito", getattr(getattr(document, "buyer", None), "identifier", None)),
    ]
    integers = [
        ("alap/id", document.internal_id),
        ("the sequence of the number", parts and parts.sequence),
        ("the year of the number", parts and parts.year),
        ("alap/gazdEsemAzon", getattr(document, "economic_event_id", None)),
        ("szallito/id", getattr(getattr(document, "supplier", None), "id", None)),
    ] + [("tetel/sztetordering", item.ordering) for item in document.items]
    amounts = [("totalossz", document.gross), ("totalossz", document.net)] + [
        ("tetel", value)
        for item in document.items
        for value in (item.quantity, item.net_unit_price, item.gross)
    ]
    problems = [
        "%s is %d characters long (at most %d)" % (name, len(value), MAX_INDEXED_TEXT)
        for name, value in texts
        if value and len(value) > MAX_INDEXED_TEXT
    ]
    problems += [
        "%s %s is out of range (at most %d)" % (name, value, MAX_INTEGER)
        for name, value in integers
        if value and not -MAX_INTEGER <= value <= MAX_INTEGER
    ]
    problems += [
        "%s holds %s, out of range" % (name, value)
        for name, value in amounts
        if value is not None and abs(value) >= MAX_AMOUNT
    ]
    return problems
