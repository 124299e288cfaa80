"""Decimal parsing and the two number spellings Számlázz.hu uses on the wire."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def parse_decimal(text: str | None) -> Decimal | None:
    """A decimal from XML text (a lone decimal comma tolerated); None when absent or bad."""
    if text is None or not text.strip():
        return None
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """`12700`, `127.5`, `-1270`: no exponent, no trailing zeros (headers, XML doubles)."""
    text = format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def hungarian(value: Decimal) -> str:
    """`12700`, `127,5`: the decimal-comma spelling used in IPN form posts."""
    return plain(value).replace(".", ",")
