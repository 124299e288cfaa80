"""The one reading of Számlázz.hu document numbers and Hungarian tax numbers.

Document numbers, as Számlázz.hu writes them (see ``szamlazz_sandbox/README.md`` for the
sources):

* paper invoices and their stornos: ``PREFIX-YYYY-N`` (``WEB-2026-9``);
* e-invoices and e-stornos, in a series of their own: ``E-PREFIX-YYYY-N`` (``E-WEB-2026-9``);
* proformas (díjbekérő): ``D-PREFIX-N``, without a year (``D-WEB-17``, ``D-43`` without a
  prefix); some accounts number them with a year, ``D-PREFIX-YYYY-N``;
* delivery notes: ``SL-PREFIX-YYYY-N``.

The prefix is always the *issuing* prefix: ``E-WEB-2026-9`` and ``D-WEB-17`` are both
issued under ``WEB``. A prefix may itself contain hyphens (``MY-SHOP-2026-3``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INVOICE_SERIES = "invoice"
PROFORMA_SERIES = "proforma"
DELIVERY_NOTE_SERIES = "delivery_note"

_MARKERS = {"E": INVOICE_SERIES, "D": PROFORMA_SERIES, "SL": DELIVERY_NOTE_SERIES}
_WITH_YEAR = re.compile(r"^(?P<prefix>.+)-(?P<year>\d{4})-(?P<sequence>\d+)$")
_WITHOUT_YEAR = re.compile(r"^(?:(?P<prefix>.+)-)?(?P<sequence>\d+)$")
_YEAR_AND_SEQUENCE = re.compile(r"^(?P<year>(?:19|20)\d{2})-(?P<sequence>\d+)$")


@dataclass(frozen=True)
class DocumentNumber:
    """The parts of a document number; ``str()`` writes it back the way it was read."""

    prefix: str | None
    year: int | None
    sequence: int
    series: str = INVOICE_SERIES
    e_invoice: bool = False

    def __str__(self) -> str:
        marker = {PROFORMA_SERIES: "D-", DELIVERY_NOTE_SERIES: "SL-"}.get(self.series, "")
        if self.e_invoice:
            marker = "E-"
        parts = [part for part in (self.prefix, self.year) if part is not None]
        return marker + "-".join(str(part) for part in [*parts, self.sequence])

    def next(self) -> DocumentNumber:
        """The number Számlázz.hu gives the next document of the same series."""
        return DocumentNumber(
            self.prefix, self.year, self.sequence + 1, self.series, self.e_invoice
        )


def split_document_number(
    number: str | None, e_invoice: bool | None = None
) -> DocumentNumber | None:
    """The parts of a Számlázz.hu document number, or None when it is not numbered that way.

    ``e_invoice``: what the document says of itself (``alap/eszamla``), when known; it tells
    an e-invoice without a prefix (``E-2026-5``) from a paper invoice of the prefix ``E``.
    """
    text = (number or "").strip()
    marker, _dash, rest = text.partition("-")
    series = _MARKERS.get(marker) if rest else None
    if series is not None:
        year_only = _YEAR_AND_SEQUENCE.match(rest)
        if year_only and (series != INVOICE_SERIES or e_invoice):
            # "D-2026-5", "SL-2026-4": no prefix, a year (not a prefix called 2026).
            return DocumentNumber(
                None,
                int(year_only["year"]),
                int(year_only["sequence"]),
                series,
                e_invoice=marker == "E",
            )
        with_year = _WITH_YEAR.match(rest)
        if with_year:
            return DocumentNumber(
                with_year["prefix"],
                int(with_year["year"]),
                int(with_year["sequence"]),
                series,
                e_invoice=marker == "E",
            )
        without_year = _WITHOUT_YEAR.match(rest)
        if series == PROFORMA_SERIES and without_year:
            return DocumentNumber(
                without_year["prefix"], None, int(without_year["sequence"]), series
            )
        # "E-2026-5" of a paper invoice: the prefix "E", not an e-invoice without a prefix.
    paper = _WITH_YEAR.match(text)
    if paper:
        return DocumentNumber(paper["prefix"], int(paper["year"]), int(paper["sequence"]))
    return None


def invoice_number(prefix: str, year: int, sequence: int, e_invoice: bool = False) -> str:
    """The number of an invoice of ``prefix``'s paper or e-invoice series."""
    return str(DocumentNumber(prefix, year, sequence, INVOICE_SERIES, e_invoice))


_HUNGARIAN_TAX_NUMBER = re.compile(r"(?:HU)?(\d{8})(?:(\d)(\d{2}))?")


def _compact(value: str | None) -> str:
    return re.sub(r"[\W_]+", "", value or "").upper()


def hungarian_tax_core(value: str | None) -> str | None:
    """The 8-digit törzsszám of a Hungarian tax number ("12345678-2-42") or EU VAT number
    ("HU12345678"), in any spelling; None when the value is neither."""
    match = _HUNGARIAN_TAX_NUMBER.fullmatch(_compact(value))
    return match.group(1) if match else None


def hungarian_tax_number(value: str | None) -> str | None:
    """``12345678-2-42`` for any spelling of an 11-digit Hungarian tax number, else None."""
    match = _HUNGARIAN_TAX_NUMBER.fullmatch(_compact(value))
    if not match or match.group(2) is None:
        return None
    return "%s-%s-%s" % match.groups()
