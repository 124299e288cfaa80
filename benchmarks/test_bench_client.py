"""Speed and memory of the client's hot paths: parsing pushed documents, building requests.

Targets (medians on the 2-core CI machine): a 500-line `szamla` document with a 1 MB PDF
parses in under 150 ms with a peak of under 40 MB; a 500-line invoice request builds in
under 100 ms. `make bench` runs them; they are not part of `make test`.
"""

import base64
import copy
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from szamlazz_agent import (
    BuyerRequest,
    InvoiceItemRequest,
    InvoiceRequest,
    parse_szamla_document,
)
from szamlazz_agent.builders import build_invoice_xml

DATA = Path(__file__).resolve().parents[1] / "tests" / "client" / "data"
NS = "{http://www.szamlazz.hu/szamla}"
LINES = 500
PDF_BYTES = 1024 * 1024


@pytest.fixture(scope="module")
def large_document():
    """The full sample document grown to LINES item lines and a 1 MB PDF."""
    root = etree.fromstring((DATA / "szamla_full.xml").read_bytes())
    items = root.find(NS + "tetelek")
    template = items.find(NS + "tetel")
    for ordering in range(len(items), LINES):
        line = copy.deepcopy(template)
        line.find(NS + "azonosito").text = "SKU-%04d" % ordering
        line.find(NS + "sztetordering").text = str(ordering + 1)
        items.append(line)
    pdf = root.find(NS + "pdf")
    if pdf is None:
        pdf = etree.SubElement(root, NS + "pdf")
    pdf.text = base64.b64encode(b"%PDF-1.4\n" + b"0" * PDF_BYTES).decode()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def large_request():
    return InvoiceRequest(
        issue_date=date(2026, 11, 22),
        fulfillment_date=date(2026, 11, 22),
        due_date=date(2026, 11, 30),
        payment_method="átutalás",
        currency="HUF",
        language="hu",
        buyer=BuyerRequest(name="Vevő Kft.", zip="1052", city="Budapest", street="Váci u. 1."),
        items=[
            InvoiceItemRequest(
                name="Termék %d" % number,
                quantity=Decimal("3"),
                unit="db",
                net_unit_price=Decimal("1234.5"),
                vat_rate="27",
                identifier="SKU-%04d" % number,
            )
            for number in range(LINES)
        ],
    )


def test_parse_large_document(benchmark, large_document):
    document = benchmark(parse_szamla_document, large_document)
    assert len(document.items) == LINES
    assert benchmark.stats.stats.median < 0.150


def test_parse_large_document_memory(large_document):
    tracemalloc.start()
    try:
        parse_szamla_document(large_document)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print("peak while parsing: %.1f MB" % (peak / 1e6))
    assert peak < 40e6


def test_build_large_invoice(benchmark):
    request = large_request()
    xml = benchmark(build_invoice_xml, request, "bench-key")
    assert xml.count(b"<tetel>") == LINES
    assert benchmark.stats.stats.median < 0.100
