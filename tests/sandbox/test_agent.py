"""The Számla Agent endpoint of the sandbox, driven over real HTTP with hand-written XML."""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
import urllib.parse
from decimal import Decimal

import agent_requests as req
import pytest
import requests
from lxml import etree

SZAMLA = "{http://www.szamlazz.hu/szamla}"
VALASZ = "{http://www.szamlazz.hu/xmlszamlavalasz}"
YEAR = dt.date.today().year
DEFAULT_TWO_ITEMS = [
    ("Kerámia bögre", "DEMO-SKU-1", "2", "1000", "27"),
    ("Vászontáska", "DEMO-SKU-3", "1", "1570", "27"),
]


@pytest.fixture(scope="module")
def schemas(xsd_dir):
    def load(name):
        return etree.XMLSchema(etree.parse(str(xsd_dir / name)))

    return {
        "szamla": load("szamla.xsd"),
        "xmlszamlavalasz": load("third-party/xmlszamlavalasz.xsd"),
        "xmlszamladbkdelvalasz": load("xmlszamladbkdelvalasz.xsd"),
    }


def valid(schemas, body: bytes, name: str):
    root = etree.fromstring(body)
    assert schemas[name].validate(root), schemas[name].error_log
    return root


def create(sandbox, schemas, **kwargs):
    answer = req.send(sandbox, req.CREATE, req.invoice(**kwargs))
    assert answer.status_code == 200
    root = valid(schemas, answer.content, "xmlszamlavalasz")
    return answer, root


# What an XML query answer leaves out by default, as the official query answer example
# does (the sandbox validates the complete document before; see test_query_answer_shape).
QUERY_OMITS = ("keszpenz", "katafokonyv", "lokacio", "privatePersonIndicator", "sztetordering")


def query(sandbox, schemas, **kwargs):
    answer = req.send(sandbox, req.QUERY_XML, req.query_xml(**kwargs))
    root = etree.fromstring(answer.content)
    if root.tag == SZAMLA + "szamla":
        assert not [name for name in QUERY_OMITS if root.find(".//" + SZAMLA + name) is not None]
    else:
        valid(schemas, answer.content, "xmlszamlavalasz")
    return answer, root


def test_query_answer_shape(sandbox, schemas):
    """By default a query answer lacks what the official example lacks; with
    query_omit_elements [] it is the complete document, valid against szamla.xsd."""
    _answer, created = create(sandbox, schemas)
    invoice = created.findtext(f"{VALASZ}szamlaszam")
    _answer, sparse = query(sandbox, schemas, number=invoice)
    assert sparse.find(f"{SZAMLA}alap/{SZAMLA}gazdEsemAzon") is not None, "kept, seen live"
    sandbox.control(
        "POST", "accounts", json={"agent_key": sandbox.agent_key, "query_omit_elements": []}
    )
    answer = req.send(sandbox, req.QUERY_XML, req.query_xml(number=invoice))
    valid(schemas, answer.content, "szamla")


def text(root, path: str, ns: str = SZAMLA) -> str | None:
    found = root.find("/".join(ns + p for p in path.split("/")))
    return found.text if found is not None else None


def test_invoice_numbering_headers_and_v2_body(sandbox, schemas):
    first, body = create(sandbox, schemas)
    second, _ = create(sandbox, schemas)
    assert first.headers["szlahu_szamlaszam"] == f"DEMO-{YEAR}-1"
    assert second.headers["szlahu_szamlaszam"] == f"DEMO-{YEAR}-2"
    assert int(second.headers["szlahu_id"]) > int(first.headers["szlahu_id"])
    assert first.headers["szlahu_nettovegosszeg"] == "2000"
    assert first.headers["szlahu_bruttovegosszeg"] == "2540"
    assert first.headers["szlahu_kintlevoseg"] == "2540"
    assert urllib.parse.unquote_plus(first.headers["szlahu_vevoifiokurl"]).startswith("https://")
    assert text(body, "sikeres", VALASZ) == "true"
    assert text(body, "szamlabrutto", VALASZ) == "2540"
    assert base64.b64decode(text(body, "pdf", VALASZ)).startswith(b"%PDF-")


def test_v1_answers_pdf_or_done_text(sandbox):
    with_pdf = req.send(sandbox, req.CREATE, req.invoice(version=1))
    assert with_pdf.headers["Content-Type"] == "application/pdf"
    assert with_pdf.content.startswith(b"%PDF-1.4") and with_pdf.content.rstrip().endswith(b"%%EOF")
    assert f"DEMO-{YEAR}-1".encode() in with_pdf.content
    done = req.send(sandbox, req.CREATE, req.invoice(version=1, download=False))
    assert done.text == f"xmlagentresponse=DONE;DEMO-{YEAR}-2"


def test_pdf_is_structurally_valid(sandbox):
    pdf = req.send(sandbox, req.CREATE, req.invoice(version=1)).content
    startxref = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf[startxref:].startswith(b"xref")
    rows = pdf[startxref:].split(b"trailer")[0].splitlines()[3:]  # after "xref", "0 n", obj 0
    for number, row in enumerate(rows, start=1):
        offset = int(row.split()[0])
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    assert b"/Type /Page " in pdf and b"(Szamla DEMO-" in pdf


def test_prefix_and_separate_proforma_and_delivery_note_series(sandbox, schemas):
    web, _ = create(sandbox, schemas, prefix="WEB")
    proforma, _ = create(sandbox, schemas, proforma=True)
    note, _ = create(sandbox, schemas, delivery_note=True)
    invoice, _ = create(sandbox, schemas)
    assert web.headers["szlahu_szamlaszam"] == f"WEB-{YEAR}-1"
    assert proforma.headers["szlahu_szamlaszam"] == "D-DEMO-1"
    assert note.headers["szlahu_szamlaszam"] == f"SL-DEMO-{YEAR}-1"
    assert invoice.headers["szlahu_szamlaszam"] == f"DEMO-{YEAR}-1"
    _, doc = query(sandbox, schemas, number="D-DEMO-1")
    assert text(doc, "alap/tipus") == "D"
    assert text(doc, "alap/eszamla") == "0"
    _, doc = query(sandbox, schemas, number=f"DEMO-{YEAR}-1")
    assert text(doc, "alap/eszamla") == "1"


def test_unregistered_prefix_is_202(sandbox, schemas):
    answer, body = create(sandbox, schemas, prefix="NOPE")
    assert answer.headers["szlahu_error_code"] == "202"
    assert text(body, "hibakod", VALASZ) == "202"


def test_unknown_agent_key_is_code_3(sandbox, schemas):
    answer, body = create(sandbox, schemas, key="not-a-key")
    assert answer.status_code == 200
    assert answer.headers["szlahu_error_code"] == "3"
    assert "szlahu_szamlaszam" not in answer.headers
    assert text(body, "sikeres", VALASZ) == "false"
    assert sandbox.state()["documents"] == []


def test_schema_error_is_code_57(sandbox, schemas):
    broken = req.invoice().replace(b"<penznem>HUF</penznem>", b"")
    answer = req.send(sandbox, req.CREATE, broken)
    assert answer.headers["szlahu_error_code"] == "57"
    body = valid(schemas, answer.content, "xmlszamlavalasz")
    assert "penznem" in text(body, "hibauzenet", VALASZ) or "fizmod" in text(
        body, "hibauzenet", VALASZ
    )
    not_xml = req.send(sandbox, req.CREATE, b"<xmlszamla")
    assert not_xml.headers["szlahu_error_code"] == "57"


def test_missing_file_field_is_code_53(sandbox):
    answer = sandbox.http.post(sandbox.agent_url, data={"action-xmlagentxmlfile": "<x/>"})
    assert answer.headers["szlahu_error_code"] == "53"


@pytest.mark.parametrize("offset", ["0.5", "1", "2", "-2"])
def test_a_net_off_by_up_to_2_is_accepted_and_stored_as_sent(sandbox, schemas, offset):
    """P60-H1…H3: 2 × 1000 sent as 2000.5, 2001, 2002 was issued with that net."""
    answer, _ = create(sandbox, schemas, net_offset=offset)
    assert "szlahu_error_code" not in answer.headers
    _, doc = query(sandbox, schemas, number=answer.headers["szlahu_szamlaszam"])
    sent = Decimal(2000) + Decimal(offset)
    assert Decimal(text(doc, "tetelek/tetel/netto")) == sent
    assert Decimal(text(doc, "osszegek/totalossz/netto")) == sent


@pytest.mark.parametrize("offset", ["2.5", "5", "10", "-2.01"])
def test_a_net_off_by_more_than_2_is_259(sandbox, schemas, offset):
    answer, body = create(sandbox, schemas, net_offset=offset)
    assert answer.headers["szlahu_error_code"] == "259"
    assert urllib.parse.unquote_plus(answer.headers["szlahu_error"]) == (
        "A tétel nettó értéke nem megfelelő; nettó érték = nettó egységár x mennyiség. "
        "Termék: Kerámia bögre."
    )
    assert text(body, "hibakod", VALASZ) == "259"
    assert sandbox.state()["documents"] == []


@pytest.mark.parametrize(
    ("field", "accepted", "refused", "code"),
    [
        ("vat_offset", "2", "2.5", "260"),
        ("gross_offset", "-2", "2.01", "261"),
    ],
)
def test_vat_and_gross_take_the_same_bound_of_2(sandbox, schemas, field, accepted, refused, code):
    ok, _ = create(sandbox, schemas, **{field: accepted})
    assert "szlahu_error_code" not in ok.headers
    wrong, _ = create(sandbox, schemas, **{field: refused})
    assert wrong.headers["szlahu_error_code"] == code
    assert "Termék: Kerámia bögre." in urllib.parse.unquote_plus(wrong.headers["szlahu_error"])


def test_currency_rate_language_bank_and_eszamla_reach_the_document(sandbox, schemas):
    answer, _ = create(
        sandbox,
        schemas,
        currency="EUR",
        exchange_bank="MNB",
        exchange_rate="395.5",
        language="en",
        bank="K&H",
        bank_account="10400000-00000000-00000001",
        e_invoice=True,
    )
    _, doc = query(sandbox, schemas, number=answer.headers["szlahu_szamlaszam"])
    assert text(doc, "alap/devizanem") == "EUR"
    assert text(doc, "alap/devizabank") == "MNB"
    assert text(doc, "alap/devizaarf") == "395.5"
    assert text(doc, "alap/nyelv") == "en"
    assert text(doc, "alap/eszamla") == "3"  # live: 3 on e-invoices (2 never seen)
    assert text(doc, "szallito/bank/nev") == "K&H"


def test_paid_on_issue_has_payment_and_no_outstanding(sandbox, schemas):
    answer, _ = create(sandbox, schemas, paid=True)
    assert answer.headers["szlahu_kintlevoseg"] == "0"
    _, doc = query(sandbox, schemas, number=answer.headers["szlahu_szamlaszam"])
    assert text(doc, "kifizetesek/kifizetes/osszeg") == "2540"


def test_a_repeated_external_id_issues_a_second_document(sandbox, schemas):
    """A3/XPRB: not unique; query and PDF by the id answer the newest holder."""
    first, _ = create(sandbox, schemas, external_id="odoo:move:1")
    again, _ = create(sandbox, schemas, external_id="odoo:move:1", buyer_name="Someone Else")
    numbers = [first.headers["szlahu_szamlaszam"], again.headers["szlahu_szamlaszam"]]
    assert numbers == [f"DEMO-{YEAR}-1", f"DEMO-{YEAR}-2"]
    state = sandbox.state()
    assert [d["number"] for d in state["documents"]] == numbers
    assert state["request_counts"]["by_external_id"]["odoo:move:1"] == {req.CREATE: 2}
    _, newest = query(sandbox, schemas, external_id="odoo:move:1")
    assert text(newest, "alap/szamlaszam") == numbers[1]
    assert text(newest, "vevo/nev") == "Someone Else"
    pdf = req.send(sandbox, req.QUERY_PDF, req.query_pdf(external_id="odoo:move:1"))
    assert pdf.headers["szlahu_szamlaszam"] == numbers[1]
    # Across kinds too (XPRB): a proforma first, then an invoice: the invoice answers.
    create(sandbox, schemas, external_id="odoo:kinds", proforma=True)
    invoice, _ = create(sandbox, schemas, external_id="odoo:kinds")
    _, holder = query(sandbox, schemas, external_id="odoo:kinds")
    assert text(holder, "alap/szamlaszam") == invoice.headers["szlahu_szamlaszam"]


def test_a_replayed_create_stores_no_external_id(sandbox, schemas):
    """The id is outside the replay fingerprint and attaches only on a creating call."""
    first, _ = create(sandbox, schemas, order_number="SO-R", external_id="first")
    replay, _ = create(sandbox, schemas, order_number="SO-R", external_id="second")
    assert replay.headers["szlahu_szamlaszam"] == first.headers["szlahu_szamlaszam"]
    assert len(sandbox.state()["documents"]) == 1
    _, missing = query(sandbox, schemas, external_id="second")
    assert text(missing, "hibakod", VALASZ) == "7"
    _, found = query(sandbox, schemas, external_id="first")
    assert text(found, "alap/szamlaszam") == first.headers["szlahu_szamlaszam"]


def test_a_create_gets_today_as_its_issue_date(sandbox, schemas):
    """P48-P5: keltDatum = yesterday is accepted, and the invoice is dated today."""
    yesterday = dt.date.today() - dt.timedelta(days=1)
    answer, _ = create(sandbox, schemas, issue_date=yesterday)
    assert "szlahu_error_code" not in answer.headers
    _, doc = query(sandbox, schemas, number=answer.headers["szlahu_szamlaszam"])
    assert text(doc, "alap/kelt") == dt.date.today().isoformat()
    assert text(doc, "alap/telj") == yesterday.isoformat()  # other dates stay as sent


def test_an_invoice_under_a_proformas_order_number_settles_it(sandbox, schemas):
    """C1-3: linked without dijbekeroSzamlaszam; the proforma disappears."""
    proforma, _ = create(sandbox, schemas, proforma=True, order_number="SO-A")
    other, _ = create(sandbox, schemas, proforma=True, order_number="SO-B")
    number = proforma.headers["szlahu_szamlaszam"]
    invoice, _ = create(sandbox, schemas, order_number="SO-A")
    _, doc = query(sandbox, schemas, number=invoice.headers["szlahu_szamlaszam"])
    assert text(doc, "alap/hivdijbekszam") == number
    assert text(doc, "alap/gazdEsemAzon") == proforma.headers["szlahu_id"]
    _, gone = query(sandbox, schemas, number=number)
    assert text(gone, "hibakod", VALASZ) == "7"
    _, kept = query(sandbox, schemas, number=other.headers["szlahu_szamlaszam"])
    assert text(kept, "alap/tipus") == "D"
    # The control API's invoices are linked the same way.
    proforma = sandbox.control(
        "POST",
        "documents",
        json={
            "kind": "D",
            "order_number": "SO-C",
            "buyer": {"name": "X", "zip": "1", "city": "B", "street": "S"},
            "items": [{"name": "Bögre", "quantity": 1, "net_unit_price": 100}],
        },
    )
    invoice = sandbox.control(
        "POST",
        "documents",
        json={
            "order_number": "SO-C",
            "buyer": {"name": "X", "zip": "1", "city": "B", "street": "S"},
            "items": [{"name": "Bögre", "quantity": 1, "net_unit_price": 100}],
        },
    )
    assert invoice["referenced_proforma"] == proforma["number"]
    assert [d["number"] for d in sandbox.state()["removed_documents"]] == [
        number,
        proforma["number"],
    ]


def test_lookups_by_order_number_and_external_id_can_lag(sandbox, schemas):
    """lookup_delay_seconds: a young document is invisible to every lookup but by number."""
    sandbox.control(
        "POST", "accounts", json={"agent_key": sandbox.agent_key, "lookup_delay_seconds": 1.0}
    )
    first, _ = create(sandbox, schemas, order_number="SO-L", external_id="lag")
    number = first.headers["szlahu_szamlaszam"]
    _, by_number = query(sandbox, schemas, number=number)
    assert text(by_number, "alap/szamlaszam") == number
    _, by_id = query(sandbox, schemas, external_id="lag")
    _, by_order = query(sandbox, schemas, order_number="SO-L")
    assert text(by_id, "hibakod", VALASZ) == text(by_order, "hibakod", VALASZ) == "7"
    pdf_by_id = req.send(sandbox, req.QUERY_PDF, req.query_pdf(external_id="lag"))
    pdf_by_order = req.send(sandbox, req.QUERY_PDF, req.query_pdf(order_number="SO-L"))
    assert pdf_by_id.headers["szlahu_error_code"] == "7"
    assert pdf_by_order.headers["szlahu_error_code"] == "7"
    assert (
        req.send(sandbox, req.QUERY_PDF, req.query_pdf(number)).headers["szlahu_szamlaszam"]
        == number
    )
    time.sleep(1.1)
    _, by_id = query(sandbox, schemas, external_id="lag")
    _, by_order = query(sandbox, schemas, order_number="SO-L")
    assert text(by_id, "alap/szamlaszam") == text(by_order, "alap/szamlaszam") == number
    pdf = req.send(sandbox, req.QUERY_PDF, req.query_pdf(order_number="SO-L"))
    assert pdf.headers["szlahu_szamlaszam"] == number
    # A second holder of the id: until it settles, the older one answers.
    second, _ = create(sandbox, schemas, order_number="SO-M", external_id="lag")
    _, holder = query(sandbox, schemas, external_id="lag")
    assert text(holder, "alap/szamlaszam") == number
    time.sleep(1.1)
    _, holder = query(sandbox, schemas, external_id="lag")
    assert text(holder, "alap/szamlaszam") == second.headers["szlahu_szamlaszam"]


def test_order_number_repetition_rule(sandbox, schemas):
    first, _ = create(sandbox, schemas, order_number="SO-1")
    replay, _ = create(sandbox, schemas, order_number=" SO-1 ")
    assert replay.headers["szlahu_szamlaszam"] == first.headers["szlahu_szamlaszam"]
    other, _ = create(sandbox, schemas, order_number="SO-1", buyer_name="Nagy Péter")
    assert other.headers["szlahu_error_code"] == "152"
    assert "SO-1" in urllib.parse.unquote_plus(other.headers["szlahu_error"])
    # Per kind: a proforma and a delivery note may carry the same order number.
    assert (
        "szlahu_error_code"
        not in create(sandbox, schemas, order_number="SO-1", proforma=True, buyer_name="X")[
            0
        ].headers
    )
    # After a storno the order number is free again.
    req.send(sandbox, req.STORNO, req.storno(first.headers["szlahu_szamlaszam"]))
    reissued, _ = create(sandbox, schemas, order_number="SO-1", buyer_name="Nagy Péter")
    assert reissued.headers["szlahu_szamlaszam"] == f"DEMO-{YEAR}-3"


def test_proforma_to_invoice(sandbox, schemas):
    proforma, _ = create(
        sandbox, schemas, proforma=True, order_number="SO-7", external_id="odoo:proforma:7"
    )
    number = proforma.headers["szlahu_szamlaszam"]
    invoice, _ = create(sandbox, schemas, proforma_number=number, order_number="SO-7")
    _, doc = query(sandbox, schemas, number=invoice.headers["szlahu_szamlaszam"])
    assert text(doc, "alap/hivdijbekszam") == number
    assert text(doc, "alap/tipus") == "SZ"
    for lookup in ({"number": number}, {"external_id": "odoo:proforma:7"}):
        answer, gone = query(sandbox, schemas, **lookup)
        assert text(gone, "hibakod", VALASZ) == "7"
        assert "szlahu_error_code" not in answer.headers  # the XML query answers in the body
    deleted = req.send(sandbox, req.DELETE_PROFORMA, req.delete_proforma(number))
    assert deleted.headers["szlahu_error_code"] == "335"


def test_storno_rules(sandbox, schemas):
    invoice, _ = create(sandbox, schemas, order_number="SO-9")
    number = invoice.headers["szlahu_szamlaszam"]
    req.send(sandbox, req.CREDIT, req.credit(number, ["1000"], additive=True))
    storno = req.send(sandbox, req.STORNO, req.storno(number, external_id="odoo:storno:1"))
    storno_body = valid(schemas, storno.content, "xmlszamlavalasz")
    storno_number = storno.headers["szlahu_szamlaszam"]
    assert storno_number == f"DEMO-{YEAR}-2"
    assert storno.headers["szlahu_bruttovegosszeg"] == "-2540"
    assert text(storno_body, "kintlevoseg", VALASZ) == "-2540"
    _, ss = query(sandbox, schemas, number=storno_number)
    assert text(ss, "alap/tipus") == "SS"
    assert text(ss, "alap/hivszamlaszam") == number
    assert text(ss, "alap/rendelesszam") == "SO-9"
    assert text(ss, "tetelek/tetel/mennyiseg") == "-2"
    _, original = query(sandbox, schemas, number=number)
    assert text(original, "alap/sztornozott") == "true"
    assert original.find(SZAMLA + "kifizetesek") is None  # payments wiped
    repeat = req.send(sandbox, req.STORNO, req.storno(number))
    assert repeat.headers["szlahu_szamlaszam"] == storno_number
    assert len(sandbox.state()["documents"]) == 2
    _, by_external_id = query(sandbox, schemas, external_id="odoo:storno:1")
    assert text(by_external_id, "alap/szamlaszam") == storno_number
    of_storno = req.send(sandbox, req.STORNO, req.storno(storno_number))
    assert of_storno.headers["szlahu_error_code"] == "14"
    yesterday = dt.date.today() - dt.timedelta(days=1)
    other, _ = create(sandbox, schemas)
    late = req.send(
        sandbox, req.STORNO, req.storno(other.headers["szlahu_szamlaszam"], issue_date=yesterday)
    )
    assert late.headers["szlahu_error_code"] == "352"
    unknown = req.send(sandbox, req.STORNO, req.storno("DEMO-1999-99"))
    assert unknown.headers["szlahu_error_code"] == "7"


def test_storno_of_a_proforma_is_a_success_shaped_no_op(sandbox, schemas):
    proforma, _ = create(sandbox, schemas, proforma=True)
    number = proforma.headers["szlahu_szamlaszam"]
    answer = req.send(sandbox, req.STORNO, req.storno(number))
    assert answer.headers["szlahu_szamlaszam"] == number
    assert answer.headers["szlahu_bruttovegosszeg"] == "2540"
    assert len(sandbox.state()["documents"]) == 1


def test_docs_page_schema_variant_is_accepted(sandbox, schemas):
    # `torloKod` exists only in the XSD printed on docs.szamlazz.hu (docs-inline/).
    xml = req.invoice().replace(b"</bruttoErtek>", b"</bruttoErtek><torloKod>1</torloKod>")
    answer = req.send(sandbox, req.CREATE, xml)
    assert "szlahu_error_code" not in answer.headers
    valid(schemas, answer.content, "xmlszamlavalasz")


def test_credit_entries_additive_and_replace(sandbox, schemas):
    invoice, _ = create(sandbox, schemas)
    number = invoice.headers["szlahu_szamlaszam"]
    first = req.send(sandbox, req.CREDIT, req.credit(number, ["100"], additive=False))
    assert first.headers["szlahu_kintlevoseg"] == "2440"
    replaced = req.send(sandbox, req.CREDIT, req.credit(number, ["200"], additive=False))
    assert replaced.headers["szlahu_kintlevoseg"] == "2340"
    added = req.send(sandbox, req.CREDIT, req.credit(number, ["50", "40.5"], additive=True))
    body = valid(schemas, added.content, "xmlszamlavalasz")
    assert text(body, "kintlevoseg", VALASZ) == "2249.5"
    _, doc = query(sandbox, schemas, number=number)
    amounts = sorted(e.text for e in doc.iter(SZAMLA + "osszeg"))
    assert amounts == ["200", "40.5", "50"]
    v1 = req.send(sandbox, req.CREDIT, req.credit(number, ["1"], additive=True, version=1))
    assert v1.text == "xmlagentresponse=DONE"
    unknown = req.send(sandbox, req.CREDIT, req.credit("DEMO-1999-1", ["1"], additive=True))
    assert text(valid(schemas, unknown.content, "xmlszamlavalasz"), "hibakod", VALASZ) == "7"
    req.send(sandbox, req.STORNO, req.storno(number))
    reversed_ = req.send(sandbox, req.CREDIT, req.credit(number, ["1"], additive=True))
    assert text(valid(schemas, reversed_.content, "xmlszamlavalasz"), "hibakod", VALASZ) == "463"


def test_query_by_order_number_and_pdf(sandbox, schemas):
    invoice, _ = create(sandbox, schemas, order_number="SO-3", external_id="odoo:3")
    number = invoice.headers["szlahu_szamlaszam"]
    _, by_order = query(sandbox, schemas, order_number="SO-3", pdf=True)
    assert text(by_order, "alap/szamlaszam") == number
    assert base64.b64decode(text(by_order, "pdf")).startswith(b"%PDF-")
    _, padded = query(sandbox, schemas, order_number=" SO-3")
    assert text(padded, "hibakod", VALASZ) == "7"
    pdf_v1 = req.send(sandbox, req.QUERY_PDF, req.query_pdf(number))
    assert pdf_v1.content.startswith(b"%PDF-") and pdf_v1.headers["szlahu_szamlaszam"] == number
    pdf_v2 = req.send(sandbox, req.QUERY_PDF, req.query_pdf(external_id="odoo:3", version=2))
    body = valid(schemas, pdf_v2.content, "xmlszamlavalasz")
    assert base64.b64decode(text(body, "pdf", VALASZ)).startswith(b"%PDF-")
    missing = req.send(sandbox, req.QUERY_PDF, req.query_pdf("DEMO-1999-1"))
    assert missing.headers["szlahu_error_code"] == "7"


def test_delete_proforma_by_number_and_order_number(sandbox, schemas):
    first, _ = create(sandbox, schemas, proforma=True, order_number="SO-5")
    create(sandbox, schemas, proforma=True, order_number="SO-6")
    deleted = req.send(
        sandbox, req.DELETE_PROFORMA, req.delete_proforma(first.headers["szlahu_szamlaszam"])
    )
    body = valid(schemas, deleted.content, "xmlszamladbkdelvalasz")
    assert text(body, "sikeres", "{http://www.szamlazz.hu/xmlszamladbkdelvalasz}") == "true"
    assert "szlahu_error_code" not in deleted.headers
    by_order = req.send(sandbox, req.DELETE_PROFORMA, req.delete_proforma(order_number="SO-6"))
    assert "szlahu_error_code" not in by_order.headers
    again = req.send(sandbox, req.DELETE_PROFORMA, req.delete_proforma(order_number="SO-6"))
    assert again.headers["szlahu_error_code"] == "335"
    valid(schemas, again.content, "xmlszamladbkdelvalasz")
    assert sandbox.state()["documents"] == []


def local(element, path: str):
    """The first descendant along ``path`` by local names, whatever the namespaces."""
    steps = "/".join(f"*[local-name()='{step}']" for step in path.split("/"))
    found = element.xpath(steps)
    return found[0] if found else None


def local_text(element, path: str) -> str | None:
    found = local(element, path)
    return found.text if found is not None else None


def test_taxpayer_query(sandbox):
    known = etree.fromstring(req.send(sandbox, req.TAXPAYER, req.taxpayer("12345678")).content)
    assert etree.QName(known).localname == "QueryTaxpayerResponse"
    assert local_text(known, "result/funcCode") == "OK"
    assert local_text(known, "taxpayerValidity") == "true"
    assert local_text(known, "taxpayerData/taxpayerName") == "DEMO BOLT KFT."
    unknown = etree.fromstring(req.send(sandbox, req.TAXPAYER, req.taxpayer("87654321")).content)
    assert local_text(unknown, "taxpayerValidity") == "false"
    bad_key = req.send(sandbox, req.TAXPAYER, req.taxpayer("12345678", key="nope"))
    assert bad_key.headers["szlahu_error_code"] == "3"
    assert local_text(etree.fromstring(bad_key.content), "result/funcCode") == "ERROR"


NAV3_API = "http://schemas.nav.gov.hu/OSA/3.0/api"
NAV3_BASE = "http://schemas.nav.gov.hu/OSA/3.0/base"
NTCA = "http://schemas.nav.gov.hu/NTCA/1.0/common"
NAV2_API = "http://schemas.nav.gov.hu/OSA/2.0/api"
NAV2_DATA = "http://schemas.nav.gov.hu/OSA/2.0/data"


def namespaces(answer) -> tuple[str, ...]:
    """Namespaces of root, header, result/funcCode, taxNumberDetail/taxpayerId,
    taxpayerAddress/postalCode."""
    paths = (
        "header",
        "result/funcCode",
        "taxpayerData/taxNumberDetail/taxpayerId",
        "taxpayerData/taxpayerAddressList/taxpayerAddressItem/taxpayerAddress/postalCode",
    )
    return (
        etree.QName(answer).namespace,
        *(etree.QName(local(answer, path)).namespace for path in paths),
    )


def test_taxpayer_answers_rotate_namespaces_and_prefixes(sandbox):
    """Facts §12: NAV 3.0 (api/common/base) under varying prefixes, and the docs' NAV 2.0."""
    answers = [
        etree.fromstring(req.send(sandbox, req.TAXPAYER, req.taxpayer("12345678")).content)
        for _ in range(6)
    ]
    layouts = [(namespaces(a), tuple(sorted(a.nsmap.items(), key=str))) for a in answers]
    assert layouts[:3] == layouts[3:], "a fixed rotation"
    assert len(set(layouts[:3])) == 3
    assert {namespaces(a) for a in answers[:3]} == {
        (NAV3_API, NTCA, NTCA, NAV3_BASE, NAV3_BASE),
        (NAV2_API, NAV2_API, NAV2_API, NAV2_DATA, NAV2_DATA),
    }
    by_default = {a.nsmap[None]: a for a in answers[:3]}
    assert set(by_default) == {NTCA, NAV3_API, NAV2_API}
    live = by_default[NTCA]  # header/result unprefixed, the root as ns2:, as NAV answered
    assert live.prefix == "ns2" and local(live, "header").prefix is None
    assert local(live, "taxpayerData/taxNumberDetail/taxpayerId").prefix == "ns3"
    for answer in answers:
        assert local_text(answer, "taxpayerData/taxpayerName") == "DEMO BOLT KFT."
        assert local_text(answer, "taxpayerData/taxNumberDetail/countyCode") == "42"
    assert local_text(by_default[NAV3_API], "taxpayerData/incorporation") == "ORGANIZATION"
    assert local(by_default[NAV2_API], "taxpayerData/incorporation") is None  # 3.0 only
    errors = [
        etree.fromstring(
            req.send(sandbox, req.TAXPAYER, req.taxpayer("12345678", key="nope")).content
        )
        for _ in range(3)
    ]
    assert len({e.nsmap[None] for e in errors}) == 3
    assert {local_text(e, "result/errorCode") for e in errors} == {"3"}


def test_v1_errors_are_text_with_a_java_stack_trace(sandbox):
    """Shaped like the official "Text response" examples; the code is in the header only."""
    answer = req.send(sandbox, req.CREATE, req.invoice(version=1, prefix="NOPE"))
    assert answer.headers["szlahu_error_code"] == "202"
    assert answer.headers["Content-Type"].startswith("text/plain")
    message = urllib.parse.unquote_plus(answer.headers["szlahu_error"])
    lines = answer.text.splitlines()
    assert lines[0] == f"[ERR] {message}"
    assert lines[1] == f"---------- t.getMessage(): {message} ----------"
    context = re.fullmatch(
        r"\[CEG:(\d+)\] \[MODUL:\w+\] \[INSTANCE:[\w.$]+\] (.+) "
        r"\[LOCATION:[\w.$]+ \(\w+\.java\) #\d+\]",
        lines[2],
    )
    assert context is not None, lines[2]
    assert context[1] == str(sandbox.state()["account"]["supplier_id"])
    assert context[2] == message
    frames = lines[3:]
    assert len(frames) >= 10
    assert all(re.fullmatch(r"[\w.$]+\.\w+\([\w$]+\.java:\d+\)", f) for f in frames), frames
    assert frames[-1].startswith("java.lang.Thread.run(")
    assert not re.search(r"\b202\b", answer.text)  # the code travels in the header only
    pdf = req.send(sandbox, req.QUERY_PDF, req.query_pdf("DEMO-1999-1", version=1))
    assert pdf.headers["szlahu_error_code"] == "7"
    assert pdf.text.startswith("[ERR] ") and "t.getMessage()" in pdf.text


def test_an_account_can_leave_required_elements_out_of_query_answers(sandbox, schemas):
    """As the official query answer example does: gone, and so not XSD-valid any more."""
    omitted = [
        "alap/gazdEsemAzon",
        "alap/keszpenz",
        "alap/katafokonyv",
        "vevo/lokacio",
        "vevo/privatePersonIndicator",
        "tetel/sztetordering",
    ]
    sandbox.control(
        "POST", "accounts", json={"agent_key": sandbox.agent_key, "omit_elements": omitted}
    )
    invoice, _ = create(sandbox, schemas, items=DEFAULT_TWO_ITEMS)
    answer = req.send(
        sandbox, req.QUERY_XML, req.query_xml(invoice.headers["szlahu_szamlaszam"], pdf=True)
    )
    doc = etree.fromstring(answer.content)
    for name in omitted:
        path = name.replace("tetel/", "tetelek/tetel/")
        assert doc.findall("/".join(SZAMLA + p for p in path.split("/"))) == [], name
    assert len(doc.findall(f"{SZAMLA}tetelek/{SZAMLA}tetel")) == 2
    assert text(doc, "alap/tipus") == "SZ" and text(doc, "pdf")
    assert not schemas["szamla"].validate(doc)
    assert "gazdEsemAzon" in str(schemas["szamla"].error_log)
    # The sandbox checked the complete document before leaving elements out.
    assert sandbox.state()["self_check_errors"] == []


def test_concurrent_creates_get_distinct_consecutive_numbers(sandbox):
    from concurrent.futures import ThreadPoolExecutor

    def one(_):
        with requests.Session() as session:
            answer = session.post(
                sandbox.agent_url,
                timeout=30,
                files={req.CREATE: ("request.xml", req.invoice(), "text/xml")},
            )
            return answer.headers["szlahu_szamlaszam"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(one, range(24)))
    assert sorted(numbers, key=lambda n: int(n.rsplit("-", 1)[1])) == [
        f"DEMO-{YEAR}-{n}" for n in range(1, 25)
    ]


def test_request_log_counts_actions(sandbox, schemas):
    create(sandbox, schemas, external_id="e-1")
    create(sandbox, schemas, external_id="e-1")
    query(sandbox, schemas, external_id="e-1")
    counts = sandbox.state()["request_counts"]
    assert counts["by_action"] == {req.CREATE: 2, req.QUERY_XML: 1}
    assert counts["by_external_id"]["e-1"] == {req.CREATE: 2, req.QUERY_XML: 1}
    assert sandbox.state()["self_check_errors"] == []
