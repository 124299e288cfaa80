"""Outbound pushes (Online Pénzügyi Adatkapcsolat) and IPN form posts."""

from __future__ import annotations

import base64
import binascii
import time
import urllib.parse

import agent_requests as req
import pytest
from lxml import etree

SZAMLA = "{http://www.szamlazz.hu/szamla}"


@pytest.fixture
def connected(sandbox, push_receiver):
    sandbox.control(
        "POST",
        "accounts",
        json={
            "agent_key": sandbox.agent_key,
            "push_url": push_receiver.push_url,
            "push_key": "push-secret-12345",
            "ipn_url": push_receiver.ipn_url,
        },
    )
    return sandbox


@pytest.fixture(scope="module")
def szamla_schema(xsd_dir):
    return etree.XMLSchema(etree.parse(str(xsd_dir / "szamla.xsd")))


def pushed(receiver, szamla_schema) -> list[etree._Element]:
    documents = []
    for post in receiver.received("/push"):
        assert post.headers["X-Szamlazzhu-Key"] == "push-secret-12345"
        assert post.headers["Content-Type"].startswith("application/xml")
        root = etree.fromstring(post.body)
        assert szamla_schema.validate(root), szamla_schema.error_log
        documents.append(root)
    return documents


def ipns(receiver) -> list[dict[str, str]]:
    return [dict(urllib.parse.parse_qsl(p.body.decode("ascii"))) for p in receiver.received("/ipn")]


def test_manual_mode_waits_for_flush_and_pushes_one_document(
    connected, push_receiver, szamla_schema
):
    number = req.send(connected, req.CREATE, req.invoice()).headers["szlahu_szamlaszam"]
    time.sleep(0.3)
    assert push_receiver.posts == []
    result = connected.control("POST", "push/flush")
    assert [d["number"] for d in result["delivered"]] == [number]
    assert result["failed"] == []
    (document,) = pushed(push_receiver, szamla_schema)
    assert document.findtext(f"{SZAMLA}alap/{SZAMLA}szamlaszam") == number
    assert connected.control("POST", "push/flush") == {"delivered": [], "failed": []}


def test_push_is_retried_until_acknowledged(connected, push_receiver, szamla_schema):
    req.send(connected, req.CREATE, req.invoice())
    push_receiver.fail_status = 500
    assert len(connected.control("POST", "push/flush")["failed"]) == 1
    push_receiver.fail_status = None
    push_receiver.answer = b"OK"  # HTTP 200 but no szamlavalasz: not an acknowledgement
    assert len(connected.control("POST", "push/flush")["failed"]) == 1
    push_receiver.answer = b'<szamlavalasz xmlns="urn:wrong"/>'
    assert len(connected.control("POST", "push/flush")["failed"]) == 1
    push_receiver.answer = (
        b'<szamlavalasz xmlns="http://www.szamlazz.hu/szamlavalasz">'
        b"<alap><id>77</id></alap></szamlavalasz>"
    )
    assert len(connected.control("POST", "push/flush")["delivered"]) == 1
    assert len(pushed(push_receiver, szamla_schema)) == 4
    log = connected.state()["pushes"]["log"]
    assert [entry["ok"] for entry in log] == [False, False, False, True]
    assert connected.state()["pushes"]["pending"] == []


def test_storno_and_payment_changes_push_again(connected, push_receiver, szamla_schema):
    number = req.send(connected, req.CREATE, req.invoice()).headers["szlahu_szamlaszam"]
    req.send(connected, req.CREDIT, req.credit(number, ["1000"], additive=True))
    storno = req.send(connected, req.STORNO, req.storno(number)).headers["szlahu_szamlaszam"]
    connected.control("POST", "push/flush")
    documents = pushed(push_receiver, szamla_schema)
    summary = [
        (
            d.findtext(f"{SZAMLA}alap/{SZAMLA}szamlaszam"),
            d.findtext(f"{SZAMLA}alap/{SZAMLA}tipus"),
            d.findtext(f"{SZAMLA}alap/{SZAMLA}sztornozott"),
        )
        for d in documents
    ]
    assert summary == [
        (number, "SZ", None),
        (number, "SZ", None),
        (storno, "SS", None),
        (number, "SZ", "true"),
    ]
    assert documents[1].findtext(f"{SZAMLA}kifizetesek/{SZAMLA}kifizetes/{SZAMLA}osszeg") == "1000"


def test_ipn_fields_on_payment_changes(connected, push_receiver):
    number = req.send(
        connected,
        req.CREATE,
        req.invoice(order_number="SO-42", items=[("Póló", "DEMO-SKU-2", "1", "1000.50", "27")]),
    ).headers["szlahu_szamlaszam"]
    connected.control("POST", "push/flush")
    assert ipns(push_receiver) == []  # issuing an unpaid invoice changes no payment
    req.send(connected, req.CREDIT, req.credit(number, ["500"], additive=True))
    connected.control("POST", "push/flush")
    (ipn,) = ipns(push_receiver)
    assert ipn["szlahu_szamlaszam"] == number
    assert ipn["szlahu_rendelesszam"] == "SO-42"
    assert ipn["szlahu_bruttovegosszeg"] == "1270,64"  # decimal comma, as in IPN posts
    assert ipn["szlahu_kifizetettbrutto"] == "500"
    assert ipn["szlahu_fizetesmod"] == "átutalás"
    assert ipn["szlahu_kifizdat"]
    ipn_post = push_receiver.received("/ipn")[0]
    assert ipn_post.headers["Content-Type"].startswith("application/x-www-form-urlencoded")


def test_web_ui_payment_of_a_proforma_pushes_the_invoice_and_ipn(
    connected, push_receiver, szamla_schema
):
    proforma = connected.control(
        "POST",
        "documents",
        json={
            "agent_key": connected.agent_key,
            "kind": "D",
            "order_number": "SO-8",
            "buyer": {
                "name": "Pannon Design Kft.",
                "zip": "1138",
                "city": "Budapest",
                "street": "Váci út 99.",
                "tax_number": "34567891-2-41",
            },
            "items": [
                {
                    "name": "Póló",
                    "identifier": "DEMO-SKU-2",
                    "quantity": 2,
                    "net_unit_price": "5505",
                }
            ],
        },
    )
    invoice = connected.control(
        "POST", f"documents/{proforma['number']}/pay", json={"agent_key": connected.agent_key}
    )
    assert invoice["referenced_proforma"] == proforma["number"]
    assert invoice["outstanding"] == "0.00"
    connected.control("POST", "push/flush")
    numbers = [
        d.findtext(f"{SZAMLA}alap/{SZAMLA}szamlaszam") for d in pushed(push_receiver, szamla_schema)
    ]
    assert numbers == [proforma["number"], invoice["number"]]
    (ipn,) = ipns(push_receiver)
    assert ipn["szlahu_szamlaszam"] == invoice["number"]
    assert ipn["szlahu_dijbekero_szama"] == proforma["number"]
    assert ipn["szlahu_kifizetettbrutto"] == ipn["szlahu_bruttovegosszeg"] == "13982,7"


def test_auto_mode_delivers_in_the_background_with_retries(xsd_dir, push_receiver):
    from conftest import Sandbox, SandboxServer

    server = SandboxServer(xsd_dir, push_mode="auto")
    try:
        box = Sandbox(server.url)
        box.control(
            "POST",
            "accounts",
            json={
                "agent_key": box.agent_key,
                "push_url": push_receiver.push_url,
                "push_key": "push-secret-12345",
            },
        )
        push_receiver.fail_status = 503
        req.send(box, req.CREATE, req.invoice())
        deadline = time.monotonic() + 10
        while len(push_receiver.received("/push")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        push_receiver.fail_status = None
        while box.state()["pushes"]["pending"] and time.monotonic() < deadline:
            time.sleep(0.05)
        log = box.state()["pushes"]["log"]
        assert len(log) >= 3 and log[-1]["ok"] and not log[0]["ok"]
        assert box.state()["pushes"]["pending"] == []
    finally:
        assert server.stop() == 0


BUYER = {"name": "Kovács Anna", "zip": "1111", "city": "Budapest", "street": "Fő utca 1."}
ITEMS = [{"name": "Bögre", "identifier": "DEMO-SKU-1", "quantity": 2, "net_unit_price": 1000}]


def issued(sandbox, **body) -> dict:
    return sandbox.control("POST", "documents", json={"buyer": BUYER, "items": ITEMS, **body})


def raw_pushes(receiver) -> list[bytes]:
    return [post.body for post in receiver.received("/push")]


def child_names(element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def test_a_nav_imported_private_person_invoice_is_pushed_as_it_comes(
    connected, push_receiver, szamla_schema
):
    """forras 34, an empty buyer name and address, an empty devizanem and <pdf></pdf>."""
    invoice = issued(
        connected,
        issued_by=34,
        currency="",
        pdf="empty",
        buyer={"name": "", "private_person": True},
    )
    connected.control("POST", "push/flush")
    (body,) = raw_pushes(push_receiver)
    (document,) = pushed(push_receiver, szamla_schema)  # schema-valid as it is
    alap = document.find(f"{SZAMLA}alap")
    names = child_names(alap)
    assert names.index("forras") == names.index("gazdEsemAzon") + 1  # its XSD position
    assert alap.findtext(f"{SZAMLA}forras") == "34"
    assert b"<nev></nev>" in body and b"<devizanem></devizanem>" in body
    assert b"<pdf></pdf>" in body and child_names(document)[-1] == "pdf"
    assert document.findtext(f"{SZAMLA}vevo/{SZAMLA}cim/{SZAMLA}irsz") == ""
    assert document.findtext(f"{SZAMLA}vevo/{SZAMLA}privatePersonIndicator") == "true"
    # The query answer says the same; pdf modes concern pushes only.
    answer = req.send(connected, req.QUERY_XML, req.query_xml(invoice["number"], pdf=True))
    queried = etree.fromstring(answer.content)
    assert queried.findtext(f"{SZAMLA}alap/{SZAMLA}forras") == "34"
    assert queried.findtext(f"{SZAMLA}vevo/{SZAMLA}nev") == ""
    assert queried.findtext(f"{SZAMLA}pdf")


def test_a_paper_invoice_of_szamlazz_hu_has_no_forras(connected, push_receiver, szamla_schema):
    issued(connected)
    connected.control("POST", "push/flush")
    (document,) = pushed(push_receiver, szamla_schema)
    assert document.find(f"{SZAMLA}alap/{SZAMLA}forras") is None
    assert base64.b64decode(document.findtext(f"{SZAMLA}pdf"), validate=True).startswith(b"%PDF")


def test_a_push_may_lack_its_pdf_or_carry_a_broken_one(connected, push_receiver, szamla_schema):
    issued(connected, pdf="absent")
    issued(connected, pdf="broken")
    connected.control("POST", "push/flush")
    absent, broken = pushed(push_receiver, szamla_schema)  # both still schema-valid
    assert absent.find(f"{SZAMLA}pdf") is None
    text = broken.findtext(f"{SZAMLA}pdf")
    assert text
    for validate in (True, False):  # not base64, however leniently decoded
        with pytest.raises(binascii.Error):
            base64.b64decode(text, validate=validate)


def test_pushes_leave_out_the_omitted_elements(connected, push_receiver, szamla_schema):
    """Per account and per document; the sandbox checked the complete document first
    (the `sandbox` fixture asserts no self-check errors)."""
    connected.control(
        "POST",
        "accounts",
        json={"agent_key": connected.agent_key, "omit_elements": ["vevo/lokacio"]},
    )
    lean = issued(connected, omit=["alap/gazdEsemAzon", "tetel/sztetordering"])
    issued(connected)
    connected.control("POST", f"documents/{lean['number']}/storno", json={})
    connected.control("POST", "push/flush")
    documents = [etree.fromstring(body) for body in raw_pushes(push_receiver)]
    numbers = [d.findtext(f"{SZAMLA}alap/{SZAMLA}szamlaszam") for d in documents]
    assert len(documents) == 4 and numbers.count(lean["number"]) == 2
    for document, number in zip(documents, numbers, strict=True):
        assert document.find(f"{SZAMLA}vevo/{SZAMLA}lokacio") is None
        lean_one = number == lean["number"]
        assert (document.find(f"{SZAMLA}alap/{SZAMLA}gazdEsemAzon") is None) == lean_one
        orderings = document.findall(f"{SZAMLA}tetelek/{SZAMLA}tetel/{SZAMLA}sztetordering")
        assert (orderings == []) == lean_one
        assert not szamla_schema.validate(document)  # required elements really gone
        assert document.find(f"{SZAMLA}vevo/{SZAMLA}privatePersonIndicator") is not None
