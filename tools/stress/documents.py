"""The good `szamla` documents the suite pushes, built by hand after szamla.xsd.

Hand-written on purpose (not the sandbox's builder): a defect in the sandbox must not hide
one in the addon. Every document is checked against the official XSD before it is sent
(:class:`SchemaCheck`), so a refusal by Odoo is Odoo's, never the builder's.
"""

from __future__ import annotations

import base64
import datetime
import threading
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from lxml import etree

SZAMLA_NS = "http://www.szamlazz.hu/szamla"
# The sandbox's one seller: the company the connect wizard fills in from it.
SELLER = {
    "name": "Demo Bolt Kft.",
    "tax_number": "12345678-2-42",
    "zip": "1052",
    "city": "Budapest",
    "street": "Váci utca 1.",
}
BUYERS = [
    {"name": "Stressz Vevő %d Kft." % n, "zip": "1%03d" % (100 + n), "city": "Budapest"}
    for n in range(1, 11)
]
VAT_RATE = Decimal("27")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Item:
    sku: str
    quantity: int
    net_unit_price: Decimal

    @property
    def net(self) -> Decimal:
        return (self.quantity * self.net_unit_price).quantize(CENT, ROUND_HALF_UP)

    @property
    def vat(self) -> Decimal:
        return (self.net * VAT_RATE / 100).quantize(CENT, ROUND_HALF_UP)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


@dataclass(frozen=True)
class Document:
    number: str
    internal_id: int
    items: tuple[Item, ...]
    body: bytes


def today() -> datetime.date:
    """Odoo runs in UTC (it sets TZ itself): the import start is a UTC day, so are ours."""
    return datetime.datetime.now(datetime.timezone.utc).date()


def items_for(sequence: int, skus: list[str]) -> tuple[Item, ...]:
    """One or two items, deterministic: every third document has two items of one SKU
    (the case where Odoo merges moves), every third two different SKUs."""
    first = skus[sequence % len(skus)]
    quantity = 1 + sequence % 4
    price = Decimal(1000 + 10 * (sequence % 7))
    shape = sequence % 3
    if shape == 0:
        return (Item(first, quantity, price),)
    second = first if shape == 1 else skus[(sequence + 1) % len(skus)]
    return (Item(first, quantity, price), Item(second, 1 + sequence % 2, price + 5))


def build(
    number: str,
    internal_id: int,
    items: tuple[Item, ...],
    buyer: dict,
    kind: str = "SZ",
    order_number: str | None = None,
) -> Document:
    root = etree.Element(_q("szamla"), nsmap={None: SZAMLA_NS})
    _seller(root)
    _header(root, number, internal_id, kind, order_number)
    _buyer(root, buyer)
    _items(root, items)
    _totals(root, items)
    _sub(root, "pdf", base64.b64encode(tiny_pdf(number)).decode("ascii"))
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return Document(number, internal_id, items, body)


def _q(name: str) -> str:
    return "{%s}%s" % (SZAMLA_NS, name)


def _sub(parent, name: str, text=None):
    element = etree.SubElement(parent, _q(name))
    if text is not None:
        element.text = str(text)
    return element


def _address(parent, name: str, zip_: str, city: str, street: str) -> None:
    address = _sub(parent, name)
    _sub(address, "orszag", "Magyarország")
    _sub(address, "irsz", zip_)
    _sub(address, "telepules", city)
    _sub(address, "cim", street)


def _seller(root) -> None:
    seller = _sub(root, "szallito")
    _sub(seller, "id", 1)
    _sub(seller, "nev", SELLER["name"])
    _address(seller, "cim", SELLER["zip"], SELLER["city"], SELLER["street"])
    _sub(seller, "adoszam", SELLER["tax_number"])


def _header(root, number: str, internal_id: int, kind: str, order_number: str | None) -> None:
    day = today()
    header = _sub(root, "alap")
    for name, value in (
        ("id", internal_id),
        ("szamlaszam", number),
        ("gazdEsemAzon", internal_id),
        ("tipus", kind),
        ("eszamla", 1),
        ("kelt", day.isoformat()),
        ("telj", day.isoformat()),
        ("fizh", (day + datetime.timedelta(days=8)).isoformat()),
        ("fizmod", "átutalás"),
        ("fizmodunified", "átutalás"),
        ("keszpenz", "false"),
        ("rendelesszam", order_number),
        ("nyelv", "hu"),
        ("devizanem", "HUF"),
        ("penzforg", "false"),
        ("kata", "false"),
        ("katafokonyv", "false"),
        ("teszt", "false"),
    ):
        if value is not None:
            _sub(header, name, value)


def _buyer(root, buyer: dict) -> None:
    element = _sub(root, "vevo")
    _sub(element, "nev", buyer["name"])
    _address(element, "cim", buyer["zip"], buyer["city"], "Fő utca 1.")
    _sub(element, "adoszam", "")
    _sub(element, "lokacio", 1)
    _sub(element, "privatePersonIndicator", "false")


def _items(root, items: tuple[Item, ...]) -> None:
    lines = _sub(root, "tetelek")
    for ordering, item in enumerate(items, 1):
        line = _sub(lines, "tetel")
        _sub(line, "nev", "Stressz termék %s" % item.sku)
        _sub(line, "azonosito", item.sku)
        _sub(line, "mennyiseg", item.quantity)
        _sub(line, "mennyisegiegyseg", "db")
        _sub(line, "nettoegysegar", item.net_unit_price)
        _sub(line, "afakulcs", VAT_RATE)
        _sub(line, "netto", item.net)
        _sub(line, "afa", item.vat)
        _sub(line, "brutto", item.gross)
        _sub(line, "sztetordering", ordering)


def _totals(root, items: tuple[Item, ...]) -> None:
    net = sum((item.net for item in items), Decimal(0))
    vat = sum((item.vat for item in items), Decimal(0))
    totals = _sub(root, "osszegek")
    by_rate = _sub(totals, "afakulcsossz")
    for name, value in (
        ("afakulcs", VAT_RATE),
        ("netto", net),
        ("afa", vat),
        ("brutto", net + vat),
    ):
        _sub(by_rate, name, value)
    total = _sub(totals, "totalossz")
    for name, value in (("netto", net), ("afa", vat), ("brutto", net + vat)):
        _sub(total, name, value)


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF naming the document: pushes carry one, and the addon stores it."""
    stream = b"BT /F1 12 Tf 72 770 Td (%s) Tj ET" % text.encode("ascii", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class SchemaCheck:
    """szamla.xsd from the official schema folder. lxml's validator is not thread-safe
    and probes build documents while the flood runs: one check at a time."""

    def __init__(self, xsd_dir: Path):
        self.schema = etree.XMLSchema(etree.parse(str(xsd_dir / "szamla.xsd")))
        self.lock = threading.Lock()

    def check(self, document: Document) -> None:
        root = etree.fromstring(document.body)
        with self.lock:
            valid = self.schema.validate(root)
        if not valid:
            raise SystemExit(
                "The stress builder made %s invalid against szamla.xsd: %s"
                % (document.number, self.schema.error_log.last_error)
            )


class Factory:
    """Numbers ``STR-YYYY-n`` and internal ids, continuing across scenarios."""

    def __init__(self, skus: list[str], schema: SchemaCheck):
        self.skus = skus
        self.schema = schema
        self.sequence = 0
        self.lock = threading.Lock()

    def next(self) -> Document:
        with self.lock:
            self.sequence += 1
            sequence = self.sequence
        number = "STR-%d-%d" % (today().year, sequence)
        buyer = BUYERS[sequence % len(BUYERS)]
        document = build(number, 900000 + sequence, items_for(sequence, self.skus), buyer)
        self.schema.check(document)
        return document

    def batch(self, count: int) -> list[Document]:
        return [self.next() for _ in range(count)]

    def order_pair(self) -> tuple[Document, Document]:
        """An invoice and the delivery note of one order, with the same items: together
        they take the goods out once."""
        with self.lock:
            self.sequence += 1
            sequence = self.sequence
        items = items_for(sequence, self.skus)
        buyer = BUYERS[sequence % len(BUYERS)]
        order = "ORD-%d" % sequence
        pair = (
            build(
                "STR-%d-%d" % (today().year, sequence),
                900000 + sequence,
                items,
                buyer,
                order_number=order,
            ),
            build(
                "SL-STR-%d-%d" % (today().year, sequence),
                800000 + sequence,
                items,
                buyer,
                kind="SL",
                order_number=order,
            ),
        )
        for document in pair:
            self.schema.check(document)
        return pair
