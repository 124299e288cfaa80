"""Documents as Számlázz.hu really sends them, read by the client.

The fixtures are hand-written after the official examples (the annotated push example and
the Agent XML-query answer example) and the published live observations; they live with
the addon's tests (innonest_szamlazz/tests/data/), which push them to Odoo too. A document
is refused only when it cannot be identified; everything else is read, and what Odoo
needs but cannot read is named in ``problems``.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from pathlib import Path

import pytest
from client_support import assert_valid
from lxml import etree

from szamlazz_agent import InvalidResponseError, parse_szamla_document
from szamlazz_agent.parsers import parse_query_answer

ADDON_DATA = Path(__file__).resolve().parents[2] / "innonest_szamlazz" / "tests" / "data"


def fixture(name: str) -> bytes:
    return (ADDON_DATA / name).read_bytes()


def edited(name: str, edit) -> bytes:
    """The fixture with ``edit(root, namespace_prefix)`` applied."""
    root = etree.fromstring(fixture(name))
    edit(root, "{http://www.szamlazz.hu/szamla}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_nav_import_with_empty_buyer_and_pdf_is_read():
    """The official push example's shape: valid against szamla.xsd, with an empty buyer
    name and address, an empty <pdf>, and forras 34."""
    xml = fixture("szamla_push_nav_import.xml")
    assert_valid(xml, "szamla.xsd")
    doc = parse_szamla_document(xml)
    assert doc.problems == ()
    assert (doc.number, doc.kind, doc.issued_by) == ("ODOO/2026/00017", "SZ", 34)
    assert doc.buyer.name is None and doc.buyer.private_person is True
    assert (doc.buyer.address.zip, doc.buyer.address.city) == (None, None)
    assert (doc.pdf, doc.pdf_problem) == (None, None), "an empty <pdf> is no PDF, no problem"
    assert (doc.currency, doc.exchange_rate, doc.gross) == (
        "EUR",
        Decimal("402.15"),
        Decimal("25.4"),
    )
    assert doc.prefix is None, "not numbered the Számlázz.hu way"
    assert doc.paid_amount == Decimal("25.4")


def test_query_answer_without_xsd_required_elements_is_read():
    """The Agent query answer example's shape: gazdEsemAzon, lokacio, sztetordering and
    more left out, an "other" payment method; not valid against szamla.xsd."""
    xml = fixture("szamla_query_sparse.xml")
    doc = parse_query_answer(200, {}, xml)
    assert doc.problems == ()
    assert (doc.number, doc.prefix, doc.e_invoice) == ("E-WEB-2026-9", "WEB", True)
    assert doc.buyer.location is None and doc.items[0].ordering is None
    assert doc.items[0].quantity == Decimal("3")
    assert doc.payment_method_unified == "other"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda r, ns: setattr(r.find(f"{ns}alap/{ns}devizanem"), "text", ""), None),
        (lambda r, ns: r.find(f"{ns}alap").remove(r.find(f"{ns}alap/{ns}devizanem")), None),
    ],
)
def test_empty_or_missing_currency_is_no_reason_to_refuse(edit, expected):
    doc = parse_szamla_document(edited("szamla_push_nav_import.xml", edit))
    assert (doc.currency, doc.problems) == (expected, ())


def test_undecodable_pdf_is_noted_not_refused():
    def broken_pdf(root, ns):
        root.find(f"{ns}pdf").text = "this is not base64!"

    doc = parse_szamla_document(edited("szamla_push_nav_import.xml", broken_pdf))
    assert doc.pdf is None and "base64" in doc.pdf_problem
    assert doc.problems == ()


def test_base64_that_is_not_a_pdf_is_noted():
    def not_a_pdf(root, ns):
        root.find(f"{ns}pdf").text = base64.b64encode(b"<html>an error page</html>").decode()

    doc = parse_szamla_document(edited("szamla_push_nav_import.xml", not_a_pdf))
    assert doc.pdf is None and doc.pdf_problem == "the <pdf> element does not hold a PDF"


def test_unreadable_values_are_problems_not_refusals():
    def damage(root, ns):
        root.find(f"{ns}tetelek/{ns}tetel/{ns}mennyiseg").text = "két darab"
        alap = root.find(f"{ns}alap")
        alap.remove(alap.find(f"{ns}kelt"))

    doc = parse_szamla_document(edited("szamla_push_nav_import.xml", damage))
    assert doc.items[0].quantity is None and doc.issue_date is None
    assert doc.problems == (
        "<mennyiseg> in <tetel 1>: not a number: 'két darab'",
        "<kelt> missing in <alap>",
    )


def test_a_document_without_a_number_is_refused():
    def no_number(root, ns):
        alap = root.find(f"{ns}alap")
        alap.remove(alap.find(f"{ns}szamlaszam"))

    with pytest.raises(InvalidResponseError, match="no number"):
        parse_szamla_document(edited("szamla_push_nav_import.xml", no_number))


def test_a_szamla_in_a_foreign_namespace_is_refused():
    xml = fixture("szamla_push_nav_import.xml").replace(
        b'xmlns="http://www.szamlazz.hu/szamla"', b'xmlns="http://example.com/szamla"'
    )
    with pytest.raises(InvalidResponseError, match=r"not a Számlázz\.hu szamla document"):
        parse_szamla_document(xml)


def test_content_digest_ignores_the_pdf_layout_and_prefixes():
    """A re-query (no PDF, other layout) of an unchanged document reads as the same content;
    a payment added does not."""
    pushed = fixture("szamla_push_nav_import.xml")
    with_pdf = pushed.replace(
        b"<pdf></pdf>", b"<pdf>" + base64.b64encode(b"%PDF-1.4 x") + b"</pdf>"
    )
    prefixed = (
        etree.tostring(etree.fromstring(pushed), encoding="UTF-8")
        .replace(
            b'xmlns="http://www.szamlazz.hu/szamla"', b'xmlns:sz="http://www.szamlazz.hu/szamla"'
        )
        .replace(b"<", b"<sz:")
        .replace(b"<sz:/", b"</sz:")
    )
    digests = {parse_szamla_document(xml).content_sha256 for xml in (pushed, with_pdf, prefixed)}
    assert len(digests) == 1

    def more_paid(root, ns):
        root.find(f"{ns}kifizetesek/{ns}kifizetes/{ns}osszeg").text = "20"

    changed = parse_szamla_document(edited("szamla_push_nav_import.xml", more_paid))
    assert changed.content_sha256 not in digests


def test_a_query_answer_of_the_pushed_document_has_the_same_content():
    """Real query answers leave out what pushes carry (the PDF, gazdEsemAzon, lokacio,
    sztetordering, …) and answer the buyer's live data: still the same document."""
    pushed = fixture("szamla_push_nav_import.xml")

    def as_queried(root, ns):
        for name in (
            "gazdEsemAzon",
            "keszpenz",
            "katafokonyv",
            "lokacio",
            "privatePersonIndicator",
            "sztetordering",
            "pdf",
        ):
            for element in list(root.iter(ns + name)):
                element.getparent().remove(element)
        root.find(f"{ns}vevo/{ns}email").text = "uj.cim@pelda.hu"  # partner data changed since
        root.find(f"{ns}alap/{ns}iktatoszam").getparent().remove(
            root.find(f"{ns}alap/{ns}iktatoszam")
        )  # empty in the push, absent in the answer

    queried = edited("szamla_push_nav_import.xml", as_queried)
    assert (
        parse_szamla_document(queried).content_sha256
        == parse_szamla_document(pushed).content_sha256
    )

    def other_quantity(root, ns):
        root.find(f"{ns}tetelek/{ns}tetel/{ns}mennyiseg").text = "3"

    changed = edited("szamla_push_nav_import.xml", other_quantity)
    assert (
        parse_szamla_document(changed).content_sha256
        != parse_szamla_document(pushed).content_sha256
    )
