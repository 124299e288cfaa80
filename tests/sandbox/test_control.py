"""The JSON control API: accounts, web-UI documents, payments, stornos, seeding, state."""

from __future__ import annotations

import datetime as dt

import agent_requests as req
import requests
from lxml import etree

SZAMLA = "{http://www.szamlazz.hu/szamla}"
YEAR = dt.date.today().year
BUYER = {
    "name": "Kovács Anna",
    "zip": "1111",
    "city": "Budapest",
    "street": "Bartók Béla út 12.",
    "email": "anna@example.hu",
}
ITEMS = [{"name": "Bögre", "identifier": "DEMO-SKU-1", "quantity": 1, "net_unit_price": "1000"}]


def query(sandbox, number: str, key: str | None = None) -> etree._Element:
    answer = req.send(sandbox, req.QUERY_XML, req.query_xml(number, key=key or sandbox.agent_key))
    return etree.fromstring(answer.content)


def test_start_state_is_the_demo_account(sandbox):
    state = sandbox.state()
    assert state["account"]["seller"]["name"] == "Demo Bolt Kft."
    assert state["account"]["seller"]["tax_number"] == "12345678-2-42"
    assert state["account"]["prefixes"] == ["DEMO", "WEB"]
    assert state["documents"] == [] and state["requests"] == []


def test_documents_issued_as_the_web_ui_would(sandbox):
    invoice = sandbox.control(
        "POST",
        "documents",
        json={
            "agent_key": sandbox.agent_key,
            "kind": "SZ",
            "buyer": BUYER,
            "items": ITEMS,
            "order_number": "SO-1",
            "paid": True,
        },
    )
    assert invoice["number"] == f"DEMO-{YEAR}-1"
    assert (invoice["gross"], invoice["outstanding"]) == ("1270.00", "0.00")
    note = sandbox.control(
        "POST",
        "documents",
        json={
            "agent_key": sandbox.agent_key,
            "kind": "SL",
            "prefix": "WEB",
            "buyer": BUYER,
            "items": ITEMS,
        },
    )
    assert note["number"] == f"SL-WEB-{YEAR}-1"
    doc = query(sandbox, invoice["number"])
    assert doc.findtext(f"{SZAMLA}alap/{SZAMLA}rendelesszam") == "SO-1"


def test_pay_an_invoice_partially_then_storno_it(sandbox):
    invoice = sandbox.control("POST", "documents", json={"buyer": BUYER, "items": ITEMS})
    paid = sandbox.control(
        "POST",
        f"documents/{invoice['number']}/pay",
        json={"agent_key": sandbox.agent_key, "amount": "270", "date": "2026-01-15"},
    )
    assert paid["outstanding"] == "1000.00"
    assert paid["payments"] == [{"date": "2026-01-15", "title": "átutalás", "amount": "270.00"}]
    storno = sandbox.control(
        "POST", f"documents/{invoice['number']}/storno", json={"agent_key": sandbox.agent_key}
    )
    assert storno["kind"] == "SS" and storno["referenced_invoice"] == invoice["number"]
    numbers = {d["number"]: d for d in sandbox.state()["documents"]}
    assert numbers[invoice["number"]]["cancelled"] is True
    assert numbers[invoice["number"]]["payments"] == []


def test_paying_a_proforma_converts_it(sandbox):
    proforma = sandbox.control(
        "POST",
        "documents",
        json={"kind": "D", "buyer": BUYER, "items": ITEMS, "order_number": "SO-2"},
    )
    invoice = sandbox.control("POST", f"documents/{proforma['number']}/pay", json={})
    assert invoice["kind"] == "SZ" and invoice["order_number"] == "SO-2"
    state = sandbox.state()
    assert [d["number"] for d in state["documents"]] == [invoice["number"]]
    assert [d["number"] for d in state["removed_documents"]] == [proforma["number"]]
    doc = query(sandbox, invoice["number"])
    assert doc.findtext(f"{SZAMLA}alap/{SZAMLA}hivdijbekszam") == proforma["number"]


def test_seeded_webshop_invoices(sandbox):
    # Complete answers: privatePersonIndicator is one of what queries omit by default.
    sandbox.control(
        "POST", "accounts", json={"agent_key": sandbox.agent_key, "query_omit_elements": []}
    )
    seeded = sandbox.control(
        "POST", "seed/webshop", json={"agent_key": sandbox.agent_key, "count": 12}
    )["documents"]
    assert [d["number"] for d in seeded] == [f"E-WEB-{YEAR}-{n}" for n in range(1, 13)]
    skus, private, companies = set(), 0, 0
    for document in seeded:
        doc = query(sandbox, document["number"])
        skus |= {e.text for e in doc.iter(f"{SZAMLA}azonosito")}
        if doc.findtext(f"{SZAMLA}vevo/{SZAMLA}privatePersonIndicator") == "true":
            private += 1
        else:
            companies += 1
            assert doc.findtext(f"{SZAMLA}vevo/{SZAMLA}adoszam").count("-") == 2
    assert skus <= {"DEMO-SKU-1", "DEMO-SKU-2", "DEMO-SKU-3"} and len(skus) >= 2
    assert private and companies
    # Company buyers seen on invoices answer the taxpayer query with their own data.
    company = next(d for d in seeded if d["buyer"].endswith(("Kft.", "Bt.", "Zrt.")))
    tax_number = query(sandbox, company["number"]).findtext(f"{SZAMLA}vevo/{SZAMLA}adoszam")
    answer = etree.fromstring(req.send(sandbox, req.TAXPAYER, req.taxpayer(tax_number[:8])).content)
    assert answer.xpath("string(*[local-name()='taxpayerValidity'])") == "true"
    assert (
        answer.xpath("string(*[local-name()='taxpayerData']/*[local-name()='taxpayerName'])")
        == company["buyer"].upper()
    )


def test_second_account_with_its_own_seller_and_settings(sandbox):
    info = sandbox.control(
        "POST",
        "accounts",
        json={
            "agent_key": "second-key",
            "prefixes": ["ABC"],
            "seller": {"name": "Második Kft.", "tax_number": "87654321-2-13"},
        },
    )
    assert info["supplier_id"] != sandbox.state()["account"]["supplier_id"]
    answer = req.send(sandbox, req.CREATE, req.invoice("second-key"))
    assert answer.headers["szlahu_szamlaszam"] == f"ABC-{YEAR}-1"
    doc = query(sandbox, f"ABC-{YEAR}-1", key="second-key")
    assert doc.findtext(f"{SZAMLA}szallito/{SZAMLA}nev") == "Második Kft."
    # Accounts do not see each other's documents.
    assert query(sandbox, f"ABC-{YEAR}-1").tag.endswith("xmlszamlavalasz")
    assert sandbox.state("second-key")["request_counts"]["by_action"] == {
        req.CREATE: 1,
        req.QUERY_XML: 1,
    }


def test_order_number_repetition_can_be_allowed(sandbox):
    sandbox.control(
        "POST",
        "accounts",
        json={"agent_key": sandbox.agent_key, "forbid_order_number_repetition": False},
    )
    first = req.send(sandbox, req.CREATE, req.invoice(order_number="SO-1"))
    second = req.send(sandbox, req.CREATE, req.invoice(order_number="SO-1", buyer_name="X"))
    assert first.headers["szlahu_szamlaszam"] != second.headers["szlahu_szamlaszam"]


def test_header_amounts_can_use_a_decimal_comma(sandbox):
    sandbox.control(
        "POST", "accounts", json={"agent_key": sandbox.agent_key, "decimal_comma_headers": True}
    )
    answer = req.send(
        sandbox, req.CREATE, req.invoice(items=[("Póló", "DEMO-SKU-2", "1", "1000.50", "27")])
    )
    assert answer.headers["szlahu_nettovegosszeg"] == "1000,5"
    assert answer.headers["szlahu_bruttovegosszeg"] == "1270,64"
    body = etree.fromstring(answer.content)  # the XML body keeps xsd:double spelling
    assert body.findtext("{http://www.szamlazz.hu/xmlszamlavalasz}szamlabrutto") == "1270.64"


def test_new_account_settings_are_taken_and_answered(sandbox):
    info = sandbox.control(
        "POST",
        "accounts",
        json={
            "agent_key": sandbox.agent_key,
            "proforma_numbers_with_year": True,
            "lookup_delay_seconds": 2,
            "omit_elements": ["vevo/lokacio", "tetel/sztetordering"],
        },
    )
    assert info["proforma_numbers_with_year"] is True
    assert info["lookup_delay_seconds"] == 2.0
    assert info["omit_elements"] == ["vevo/lokacio", "tetel/sztetordering"]
    assert sandbox.state()["account"]["omit_elements"] == info["omit_elements"]
    default = sandbox.control("POST", "accounts", json={"agent_key": "fresh"})
    assert (
        default["proforma_numbers_with_year"],
        default["lookup_delay_seconds"],
        default["omit_elements"],
    ) == (False, 0.0, [])


def test_document_summaries_name_form_and_issuer(sandbox):
    nav_import = sandbox.control(
        "POST",
        "documents",
        json={"buyer": BUYER, "items": ITEMS, "e_invoice": True, "issued_by": 34},
    )
    assert (nav_import["e_invoice"], nav_import["issued_by"]) == (True, 34)
    own = sandbox.control("POST", "documents", json={"buyer": BUYER, "items": ITEMS})
    assert (own["e_invoice"], own["issued_by"]) == (False, None)
    doc = query(sandbox, nav_import["number"])
    assert doc.findtext(f"{SZAMLA}alap/{SZAMLA}forras") == "34"
    assert query(sandbox, own["number"]).find(f"{SZAMLA}alap/{SZAMLA}forras") is None


def test_new_document_options_are_checked(sandbox):
    def status(body: dict, path: str = "documents") -> int:
        return sandbox.http.post(
            sandbox.url + "/_sandbox/" + path,
            timeout=30,
            json={"buyer": BUYER, "items": ITEMS, **body},
        ).status_code

    assert status({"issued_by": 99}) == 400
    assert status({"pdf": "sometimes"}) == 400
    assert status({"omit": ["alap/szamlaszam"]}) == 400
    assert status({"omit": "vevo/lokacio"}) == 400
    assert status({"currency": None}) == 400
    assert status({"buyer": {**BUYER, "name": ""}}) == 400  # only a private person's is empty
    assert status({"buyer": {"name": "", "private_person": True}}) == 200
    assert status({"agent_key": "k2", "lookup_delay_seconds": -1}, "accounts") == 400
    assert status({"agent_key": "k2", "omit_elements": ["vevo/nev"]}, "accounts") == 400


def test_control_errors(sandbox):
    post = sandbox.http.post
    assert (
        post(
            sandbox.url + "/_sandbox/documents",
            json={"agent_key": "nobody", "buyer": BUYER, "items": ITEMS},
        ).status_code
        == 404
    )
    assert post(sandbox.url + "/_sandbox/documents/DEMO-1999-1/pay", json={}).status_code == 409
    assert post(sandbox.url + "/_sandbox/nothing", json={}).status_code == 404
    assert (
        post(
            sandbox.url + "/_sandbox/accounts",
            json={"agent_key": "k", "push_url": "file:///etc/passwd"},
        ).status_code
        == 400
    )
    assert (
        post(
            sandbox.url + "/_sandbox/accounts", json={"agent_key": "k", "prefixes": []}
        ).status_code
        == 400
    )
    assert requests.get(sandbox.url + "/elsewhere", timeout=5).status_code == 404


def test_reset_forgets_everything(sandbox):
    sandbox.control("POST", "accounts", json={"agent_key": "temp"})
    req.send(sandbox, req.CREATE, req.invoice())
    sandbox.control("POST", "reset")
    assert sandbox.state()["documents"] == []
    assert sandbox.state()["requests"] == []
    assert sandbox.http.get(sandbox.url + "/_sandbox/state?agent_key=temp").status_code == 404
    assert req.send(sandbox, req.CREATE, req.invoice()).headers["szlahu_szamlaszam"] == (
        f"DEMO-{YEAR}-1"
    )


def test_agent_answers_set_a_session_cookie(sandbox):
    first = req.send(sandbox, req.TAXPAYER, req.taxpayer("12345678"))
    assert "JSESSIONID" in first.cookies or "JSESSIONID" in sandbox.http.cookies
    second = req.send(sandbox, req.TAXPAYER, req.taxpayer("12345678"))
    assert "Set-Cookie" not in second.headers
    sessions = {r["session"] for r in sandbox.state()["requests"]}
    assert len(sessions) == 1


def test_a_document_can_be_issued_on_an_earlier_day(sandbox):
    invoice = sandbox.control(
        "POST",
        "documents",
        json={
            "agent_key": sandbox.agent_key,
            "prefix": "WEB",
            "buyer": BUYER,
            "items": ITEMS,
            "issue_date": f"{YEAR}-01-05",
        },
    )
    doc = query(sandbox, invoice["number"])
    assert doc.findtext(f"{SZAMLA}alap/{SZAMLA}kelt") == f"{YEAR}-01-05"
    assert doc.findtext(f"{SZAMLA}alap/{SZAMLA}telj") == f"{YEAR}-01-05"
    assert doc.findtext(f"{SZAMLA}alap/{SZAMLA}fizh") == f"{YEAR}-01-13"
    refused = sandbox.http.post(
        sandbox.url + "/_sandbox/documents",
        timeout=30,
        json={
            "agent_key": sandbox.agent_key,
            "buyer": BUYER,
            "items": ITEMS,
            "issue_date": "5 January",
        },
    )
    assert refused.status_code == 400
