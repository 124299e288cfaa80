"""The data connection's other feeds: receipts in daily batches (`xmlnyugtaarchiv`),
incoming supplier invoices (`szamlabe`) and bank transactions (`banktranz`), each pushed to
its own URL with the account's key until the receiver acknowledges it."""

from __future__ import annotations

import base64
import datetime as dt
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import Sandbox, SandboxServer
from lxml import etree

from szamlazz_sandbox.store import DEMO_AGENT_KEY, Store

TODAY = dt.date.today()
YEAR = TODAY.year
YESTERDAY = TODAY - dt.timedelta(days=1)
KEY = "push-secret-12345"
NY = "{http://www.szamlazz.hu/xmlnyugtaarchiv}"
BE = "{http://www.szamlazz.hu/szamlabe}"
BT = "{http://www.szamlazz.hu/banktranz}"
ITEMS = [
    {"name": "Kávé", "identifier": "DEMO-SKU-1", "quantity": 2, "net_unit_price": "500"},
    {"name": "Kifli", "quantity": 1, "net_unit_price": "100", "vat_rate": "5"},
]
SUPPLIER = {
    "name": "Beszállító Kft.",
    "tax_number": "11223344-2-41",
    "zip": "1095",
    "city": "Budapest",
    "street": "Soroksári út 30.",
    "bank_account": "10918001-00000001-00000002",
}


def ack(root: str, inner: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="http://www.szamlazz.hu/{root}">{inner}</{root}>'
    ).encode()


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes


class FeedReceiver:
    """A receiving system with one URL per feed, answering each with its own
    acknowledgement; `answers[path]` and `status[path]` change that."""

    def __init__(self):
        self.posts: list[Post] = []
        self.answers = {
            "/push": ack("szamlavalasz"),
            "/incoming": ack("szamlabevalasz"),
            "/receipts": ack("nyugtavalasz"),
            "/bank": ack("banktranzvalasz"),
        }
        self.status: dict[str, int] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.posts.append(Post(self.path, dict(self.headers), body))
                    status = receiver.status.get(self.path, 200)
                    answer = receiver.answers.get(self.path, b"")
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self, path: str) -> list[Post]:
        with self._lock:
            return [p for p in self.posts if p.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    feed_receiver = FeedReceiver()
    yield feed_receiver
    feed_receiver.close()


def connect(box: Sandbox, receiver: FeedReceiver) -> dict:
    return box.control(
        "POST",
        "accounts",
        json={
            "agent_key": box.agent_key,
            "push_key": KEY,
            "push_url": receiver.url + "/push",
            "incoming_push_url": receiver.url + "/incoming",
            "receipt_push_url": receiver.url + "/receipts",
            "bank_push_url": receiver.url + "/bank",
        },
    )


@pytest.fixture
def connected(sandbox, receiver):
    connect(sandbox, receiver)
    return sandbox


@pytest.fixture(scope="module")
def schemas(xsd_dir):
    return {
        name: etree.XMLSchema(etree.parse(str(xsd_dir / f"{name}.xsd")))
        for name in ("szamlabe", "xmlnyugtaarchiv", "banktranz")
    }


def valid(post: Post, schema: etree.XMLSchema) -> etree._Element:
    """The pushed body, checked as every push must be: key, content type, its XSD."""
    assert post.headers["X-Szamlazzhu-Key"] == KEY
    assert post.headers["Content-Type"].startswith("application/xml")
    root = etree.fromstring(post.body)
    assert schema.validate(root), schema.error_log
    return root


def receipt(box: Sandbox, **body) -> dict:
    return box.control(
        "POST", "receipts", json={"agent_key": box.agent_key, "items": ITEMS, **body}
    )


def refusal(box: Sandbox, path: str, body: dict) -> tuple[int, dict]:
    answer = box.http.post(f"{box.url}/_sandbox/{path}", json=body, timeout=30)
    return answer.status_code, answer.json()


def send_batch(box: Sandbox, **body) -> dict:
    return box.control("POST", "receipts/send-batch", json={"agent_key": box.agent_key, **body})


def log_of(box: Sandbox, kind: str) -> list[dict]:
    return [entry for entry in box.state()["pushes"]["log"] if entry["kind"] == kind]


# -- accounts -------------------------------------------------------------------------


def test_an_account_takes_one_url_per_feed(sandbox, receiver):
    info = connect(sandbox, receiver)
    assert info["incoming_push_url"] == receiver.url + "/incoming"
    assert info["receipt_push_url"] == receiver.url + "/receipts"
    assert info["bank_push_url"] == receiver.url + "/bank"
    assert sandbox.state()["account"]["bank_push_url"] == receiver.url + "/bank"
    fresh = sandbox.control("POST", "accounts", json={"agent_key": "fresh"})
    assert (
        fresh["incoming_push_url"],
        fresh["receipt_push_url"],
        fresh["bank_push_url"],
    ) == (None, None, None)
    for name in ("incoming_push_url", "receipt_push_url", "bank_push_url"):
        status, _ = refusal(sandbox, "accounts", {"agent_key": "k", name: "ftp://x/y"})
        assert status == 400


# -- receipts ---------------------------------------------------------------------------


def test_receipts_are_numbered_per_prefix_and_year(sandbox):
    first = receipt(sandbox)
    assert (first["number"], first["kind"]) == (f"NYGTA-{YEAR}-1", "NY")
    assert (first["net"], first["vat"], first["gross"]) == ("1100.00", "275.00", "1375.00")
    assert first["payment_method"] == "készpénz" and first["batched"] is False
    assert receipt(sandbox, prefix="BOLT")["number"] == f"BOLT-{YEAR}-1"
    assert receipt(sandbox)["number"] == f"NYGTA-{YEAR}-2"
    earlier = receipt(sandbox, issue_date=f"{YEAR - 1}-12-31")
    assert earlier["number"] == f"NYGTA-{YEAR - 1}-1"
    assert earlier["issue_date"] == f"{YEAR - 1}-12-31"


def test_a_storno_receipt_names_the_one_it_cancels(sandbox):
    original = receipt(sandbox, order_number="SO-7")
    receipt(sandbox)
    storno = sandbox.control("POST", f"receipts/{original['number']}/storno", json={})
    # NY and SN share the series: the SN takes the next number.
    assert (storno["number"], storno["kind"]) == (f"NYGTA-{YEAR}-3", "SN")
    assert storno["cancelled_number"] == original["number"]
    assert (storno["gross"], storno["order_number"], storno["issue_date"]) == (
        "-1375.00",
        "SO-7",
        TODAY.isoformat(),
    )
    by_number = {r["number"]: r for r in sandbox.state()["receipts"]}
    assert by_number[original["number"]]["cancelled"] is True
    assert by_number[original["number"]]["storno_number"] == storno["number"]
    again = sandbox.control("POST", f"receipts/{original['number']}/storno", json={})
    assert again["number"] == storno["number"]  # a repeat answers the existing SN
    assert len(sandbox.state()["receipts"]) == 3
    status, answer = refusal(sandbox, f"receipts/{storno['number']}/storno", {})
    assert status == 409 and "code" not in answer
    status, answer = refusal(sandbox, f"receipts/NYGTA-{YEAR}-99/storno", {})
    assert (status, answer["code"]) == (409, 339)


def test_receipt_refusals(sandbox):
    body = {"agent_key": sandbox.agent_key, "items": ITEMS}
    assert refusal(sandbox, "receipts", {**body, "prefix": "nygta"})[1]["code"] == 337
    assert refusal(sandbox, "receipts", {**body, "prefix": "RSPROBE"})[1]["code"] == 337
    assert refusal(sandbox, "receipts", {**body, "prefix": "DEMO"})[1]["code"] == 336
    receipt(sandbox, call_id="call-1")
    status, answer = refusal(sandbox, "receipts", {**body, "call_id": "call-1"})
    assert (status, answer["code"]) == (409, 338)
    assert refusal(sandbox, "receipts", {**body, "items": []})[0] == 400
    assert refusal(sandbox, "receipts", {**body, "issue_date": "tegnap"})[0] == 400
    assert refusal(sandbox, "receipts", {**body, "agent_key": "nobody"})[0] == 404
    assert [r["number"] for r in sandbox.state()["receipts"]] == [f"NYGTA-{YEAR}-1"]


def test_receipts_wait_for_the_daily_batch_and_travel_once(connected, receiver, schemas):
    first = receipt(connected, call_id="pos-1", order_number="SO-1")
    second = receipt(connected, prefix="BOLT", payment_method="bankkártya")
    storno = connected.control("POST", f"receipts/{first['number']}/storno", json={})
    assert connected.control("POST", "push/flush") == {"delivered": [], "failed": []}
    assert receiver.received("/receipts") == []

    batch = send_batch(connected)
    numbers = [first["number"], second["number"], storno["number"]]
    assert batch["queued"] is True and batch["numbers"] == numbers
    assert batch["delivery"]["kind"] == "receipts" and batch["delivery"]["numbers"] == numbers
    result = connected.control("POST", "push/flush")
    assert [(d["kind"], d["numbers"]) for d in result["delivered"]] == [("receipts", numbers)]

    (post,) = receiver.received("/receipts")
    archive = valid(post, schemas["xmlnyugtaarchiv"])
    nyugtak = archive.findall(f"{NY}nyugta")
    assert [n.findtext(f"{NY}alap/{NY}nyugtaszam") for n in nyugtak] == numbers
    ny, other, sn = (n.find(f"{NY}alap") for n in nyugtak)
    assert (ny.findtext(f"{NY}tipus"), ny.findtext(f"{NY}stornozott")) == ("NY", "true")
    assert ny.findtext(f"{NY}hivasAzonosito") == "pos-1"
    assert ny.findtext(f"{NY}rendelesSzam") == "SO-1"
    assert ny.findtext(f"{NY}adoszam") == "12345678-2-42"
    assert other.findtext(f"{NY}stornozott") == "false"
    assert other.find(f"{NY}stornozottNyugtaszam") is None
    assert other.findtext(f"{NY}fizmod") == "bankkártya"
    assert sn.findtext(f"{NY}tipus") == "SN"
    assert sn.findtext(f"{NY}stornozottNyugtaszam") == first["number"]
    totals = nyugtak[2].find(f"{NY}osszegek/{NY}totalossz")
    assert totals.findtext(f"{NY}brutto") == "-1375"
    assert nyugtak[0].findtext(f"{NY}kifizetesek/{NY}kifizetes/{NY}osszeg") == "1375"
    assert len(nyugtak[0].findall(f"{NY}osszegek/{NY}afakulcsossz")) == 2

    # Each receipt travels once: a second batch has nothing, a new receipt goes alone.
    assert send_batch(connected) == {"queued": False, "numbers": [], "delivery": None}
    later = receipt(connected)
    assert send_batch(connected)["numbers"] == [later["number"]]
    connected.control("POST", "push/flush")
    second_post = receiver.received("/receipts")[1]
    only = valid(second_post, schemas["xmlnyugtaarchiv"]).findall(f"{NY}nyugta")
    assert [n.findtext(f"{NY}alap/{NY}nyugtaszam") for n in only] == [later["number"]]
    assert all(r["batched"] for r in connected.state()["receipts"])
    assert {e["kind"] for e in connected.state()["pushes"]["log"]} == {"receipts"}


def test_a_batch_of_one_day(connected, receiver, schemas):
    old = [receipt(connected, issue_date=YESTERDAY.isoformat()) for _ in range(2)]
    new = receipt(connected)
    batch = send_batch(connected, date=YESTERDAY.isoformat())
    assert batch["numbers"] == [r["number"] for r in old]
    assert send_batch(connected)["numbers"] == [new["number"]]
    connected.control("POST", "push/flush")
    days = [
        [n.findtext(f"{NY}alap/{NY}kelt") for n in valid(p, schemas["xmlnyugtaarchiv"])]
        for p in receiver.received("/receipts")
    ]
    assert days == [[YESTERDAY.isoformat()] * 2, [TODAY.isoformat()]]
    by_number = {r["number"]: r for r in connected.state()["receipts"]}
    assert by_number[new["number"]]["batch_date"] == TODAY.isoformat()


def test_a_batch_is_replayed_until_acknowledged(connected, receiver):
    numbers = [receipt(connected)["number"], receipt(connected)["number"]]
    send_batch(connected)
    not_acknowledgements = [
        (500, ack("nyugtavalasz")),  # the right answer, but not HTTP 200
        (200, b"OK"),
        (200, ack("szamlavalasz")),  # another feed's acknowledgement
        (200, ack("nyugtavalasz", "<hibakod>NOPE</hibakod>")),  # not valid per its XSD
    ]
    for status, answer in not_acknowledgements:
        receiver.status["/receipts"], receiver.answers["/receipts"] = status, answer
        result = connected.control("POST", "push/flush")
        assert result["delivered"] == [] and len(result["failed"]) == 1
        assert result["failed"][0]["numbers"] == numbers
    receiver.status.clear()
    receiver.answers["/receipts"] = ack("nyugtavalasz")
    assert len(connected.control("POST", "push/flush")["delivered"]) == 1
    bodies = {p.body for p in receiver.received("/receipts")}
    assert len(receiver.received("/receipts")) == 5 and len(bodies) == 1  # the same batch
    log = log_of(connected, "receipts")
    assert [e["ok"] for e in log] == [False, False, False, False, True]
    assert [e["status"] for e in log] == [500, 200, 200, 200, 200]
    assert all(e["numbers"] == numbers for e in log)
    assert connected.state()["pushes"]["pending"] == []
    assert send_batch(connected)["queued"] is False  # replayed, never rebuilt


def test_a_batch_needs_a_receipt_url(sandbox):
    receipt(sandbox)
    status, answer = refusal(sandbox, "receipts/send-batch", {"agent_key": sandbox.agent_key})
    assert status == 409 and "receipt_push_url" in answer["error"]
    assert sandbox.state()["receipts"][0]["batched"] is False


def test_auto_mode_sends_each_earlier_day_in_its_own_batch(xsd_dir, receiver, schemas):
    server = SandboxServer(xsd_dir, push_mode="auto")
    try:
        box = Sandbox(server.url)
        two_days_ago = TODAY - dt.timedelta(days=2)
        older = receipt(box, issue_date=two_days_ago.isoformat())
        old = receipt(box, issue_date=YESTERDAY.isoformat())
        todays = receipt(box)
        connect(box, receiver)
        deadline = time.monotonic() + 10
        while len(receiver.received("/receipts")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.5)  # a further periodic pass must not send anything else
        batches = [
            [n.findtext(f"{NY}alap/{NY}nyugtaszam") for n in valid(p, schemas["xmlnyugtaarchiv"])]
            for p in receiver.received("/receipts")
        ]
        assert batches == [[older["number"]], [old["number"]]]
        waiting = [r["number"] for r in box.state()["receipts"] if not r["batched"]]
        assert waiting == [todays["number"]]  # today's waits for tonight's batch
        assert box.state()["self_check_errors"] == []
    finally:
        assert server.stop() == 0


# -- incoming invoices ------------------------------------------------------------------


def test_an_incoming_invoice_is_pushed_as_szamlabe(connected, receiver, schemas):
    invoice = connected.control(
        "POST",
        "incoming",
        json={
            "agent_key": connected.agent_key,
            "supplier": SUPPLIER,
            "number": "BSZ-2026/0042",
            "items": ITEMS,
            "issue_date": f"{YEAR}-03-01",
            "due_date": f"{YEAR}-03-15",
        },
    )
    assert (invoice["number"], invoice["kind"], invoice["gross"]) == (
        "BSZ-2026/0042",
        "SZ",
        "1375.00",
    )
    assert invoice["push"]["kind"] == "incoming"
    assert receiver.received("/incoming") == []  # manual mode: waits for the flush
    result = connected.control("POST", "push/flush")
    assert [(d["kind"], d["number"]) for d in result["delivered"]] == [
        ("incoming", "BSZ-2026/0042")
    ]
    (post,) = receiver.received("/incoming")
    document = valid(post, schemas["szamlabe"])
    assert document.findtext(f"{BE}szallito/{BE}nev") == "Beszállító Kft."
    assert document.findtext(f"{BE}szallito/{BE}adoszam") == "11223344-2-41"
    assert document.findtext(f"{BE}szallito/{BE}bank/{BE}bankszamla") == SUPPLIER["bank_account"]
    assert document.findtext(f"{BE}vevo/{BE}nev") == "Demo Bolt Kft."  # the account buys
    assert document.findtext(f"{BE}vevo/{BE}adoszam") == "12345678-2-42"
    alap = document.find(f"{BE}alap")
    assert alap.findtext(f"{BE}id") == str(invoice["id"])
    assert alap.findtext(f"{BE}szamlaszam") == "BSZ-2026/0042"
    assert (alap.findtext(f"{BE}kelt"), alap.findtext(f"{BE}fizh")) == (
        f"{YEAR}-03-01",
        f"{YEAR}-03-15",
    )
    assert document.findtext(f"{BE}osszegek/{BE}totalossz/{BE}brutto") == "1375"
    assert base64.b64decode(document.findtext(f"{BE}pdf"), validate=True).startswith(b"%PDF")


def test_an_incoming_storno_names_its_original(connected, receiver, schemas):
    original = connected.control(
        "POST", "incoming", json={"supplier": SUPPLIER, "items": ITEMS, "pdf": False}
    )
    assert original["number"] == f"SZLA-{YEAR}-1"  # a supplier number when none is given
    storno = connected.control(
        "POST", "incoming", json={"storno_of": original["number"], "pdf": False}
    )
    assert (storno["kind"], storno["referenced_invoice"], storno["gross"]) == (
        "SS",
        original["number"],
        "-1375.00",
    )
    connected.control("POST", "push/flush")
    first, second = (valid(p, schemas["szamlabe"]) for p in receiver.received("/incoming"))
    assert first.find(f"{BE}pdf") is None
    assert second.findtext(f"{BE}alap/{BE}tipus") == "SS"
    assert second.findtext(f"{BE}alap/{BE}hivszamlaszam") == original["number"]
    assert second.findtext(f"{BE}alap/{BE}gazdEsemAzon") == str(original["id"])
    assert second.findtext(f"{BE}szallito/{BE}nev") == SUPPLIER["name"]
    quantities = second.findall(f"{BE}tetelek/{BE}tetel/{BE}mennyiseg")
    assert [q.text for q in quantities] == ["-2", "-1"]
    incoming = {i["number"]: i for i in connected.state()["incoming_invoices"]}
    assert incoming[original["number"]]["cancelled"] is True
    status, _ = refusal(connected, "incoming", {"storno_of": "UNKNOWN-1"})
    assert status == 400  # an unknown original lends nothing: supplier and items needed


def test_an_incoming_invoice_is_retried_until_szamlabevalasz(connected, receiver):
    connected.control("POST", "incoming", json={"supplier": SUPPLIER, "items": ITEMS})
    receiver.answers["/incoming"] = ack("szamlavalasz")  # the outgoing feed's answer
    assert len(connected.control("POST", "push/flush")["failed"]) == 1
    receiver.status["/incoming"] = 503
    receiver.answers["/incoming"] = ack("szamlabevalasz")
    assert len(connected.control("POST", "push/flush")["failed"]) == 1
    receiver.status.clear()
    receiver.answers["/incoming"] = ack(
        "szamlabevalasz", "<alap><id>9</id><iktatoszam>IKT-9</iktatoszam></alap>"
    )
    assert len(connected.control("POST", "push/flush")["delivered"]) == 1
    assert [e["ok"] for e in log_of(connected, "incoming")] == [False, False, True]
    assert len({p.body for p in receiver.received("/incoming")}) == 1


# -- bank transactions -------------------------------------------------------------------


def test_bank_transactions_are_pushed_one_by_one(connected, receiver, schemas):
    answer = connected.control(
        "POST",
        "bank-transactions",
        json={
            "agent_key": connected.agent_key,
            "transactions": [
                {
                    "amount": "12700",
                    "date": f"{YEAR}-04-02",
                    "reference": f"DEMO-{YEAR}-1 kiegyenlítése",
                    "counterparty": {"name": "Kovács Anna", "bank_account": "11700000-1"},
                },
                {"amount": -5000.5, "currency": "EUR", "reference": "Bérleti díj"},
            ],
        },
    )
    incoming, outgoing = answer["transactions"]
    assert (incoming["direction"], incoming["amount"]) == ("BE", "12700.00")
    assert (outgoing["direction"], outgoing["amount"], outgoing["currency"]) == (
        "KI",
        "5000.50",
        "EUR",
    )
    assert [t["push"]["kind"] for t in answer["transactions"]] == ["bank", "bank"]
    result = connected.control("POST", "push/flush")
    assert [d["kind"] for d in result["delivered"]] == ["bank", "bank"]
    first, second = (valid(p, schemas["banktranz"]) for p in receiver.received("/bank"))
    assert first.findtext(f"{BT}id") == str(incoming["id"])
    assert first.findtext(f"{BT}bankszamla") == "11773016-11111111-00000000"  # the account's
    assert (first.findtext(f"{BT}irany"), first.findtext(f"{BT}osszeg")) == ("BE", "12700")
    assert first.findtext(f"{BT}erteknap") == f"{YEAR}-04-02"
    assert first.findtext(f"{BT}technikai") == "false"
    assert first.findtext(f"{BT}partner/{BT}nev") == "Kovács Anna"
    assert first.findtext(f"{BT}partner/{BT}bankszamla") == "11700000-1"
    assert first.findtext(f"{BT}kozlemeny") == f"DEMO-{YEAR}-1 kiegyenlítése"
    assert (second.findtext(f"{BT}irany"), second.findtext(f"{BT}osszeg")) == ("KI", "5000.5")
    assert second.findtext(f"{BT}devizanem") == "EUR"
    assert second.find(f"{BT}partner") is None
    assert second.findtext(f"{BT}erteknap") == TODAY.isoformat()
    assert len(connected.state()["bank_transactions"]) == 2


def test_a_bank_transaction_is_retried_and_key_err_ends_it(connected, receiver):
    connected.control(
        "POST", "bank-transactions", json={"transactions": [{"amount": 1, "reference": "x"}]}
    )
    receiver.answers["/bank"] = b""
    assert len(connected.control("POST", "push/flush")["failed"]) == 1
    # KEY_ERR: the receiver does not know the key; Számlázz.hu never sends this one again.
    receiver.answers["/bank"] = ack("banktranzvalasz", "<hibakod>KEY_ERR</hibakod>")
    assert len(connected.control("POST", "push/flush")["delivered"]) == 1
    log = log_of(connected, "bank")
    assert [(e["ok"], e.get("hibakod")) for e in log] == [(False, None), (True, "KEY_ERR")]
    assert connected.control("POST", "push/flush") == {"delivered": [], "failed": []}


def test_without_feed_urls_nothing_is_pushed(sandbox):
    invoice = sandbox.control("POST", "incoming", json={"supplier": SUPPLIER, "items": ITEMS})
    moves = sandbox.control(
        "POST", "bank-transactions", json={"transactions": [{"amount": 5, "reference": "r"}]}
    )
    assert invoice["push"] is None and moves["transactions"][0]["push"] is None
    assert sandbox.control("POST", "push/flush") == {"delivered": [], "failed": []}
    state = sandbox.state()
    assert [i["number"] for i in state["incoming_invoices"]] == [invoice["number"]]
    assert len(state["bank_transactions"]) == 1
    assert refusal(sandbox, "bank-transactions", {"transactions": []})[0] == 400
    assert refusal(sandbox, "incoming", {"supplier": {"zip": "1"}, "items": ITEMS})[0] == 400


def test_reset_forgets_receipts_and_feeds(connected):
    receipt(connected)
    connected.control("POST", "incoming", json={"supplier": SUPPLIER, "items": ITEMS})
    connected.control("POST", "reset")
    state = connected.state()
    assert (state["receipts"], state["incoming_invoices"], state["bank_transactions"]) == (
        [],
        [],
        [],
    )
    assert state["pushes"] == {"pending": [], "log": []}
    assert receipt(connected)["number"] == f"NYGTA-{YEAR}-1"


def test_a_state_file_without_the_feeds_still_loads(xsd_dir, tmp_path):
    """An account pickled before receipts and the feed URLs existed gets their defaults."""
    store = Store()
    account = store.account(DEMO_AGENT_KEY)
    for name in (
        "receipts",
        "incoming",
        "bank_transactions",
        "incoming_push_url",
        "receipt_push_url",
        "bank_push_url",
    ):
        del vars(account)[name]
    state_file = tmp_path / "old.state"
    store.save(state_file)
    server = SandboxServer(xsd_dir, push_mode="manual", extra=["--state-file", str(state_file)])
    try:
        box = Sandbox(server.url)
        assert box.state()["account"]["receipt_push_url"] is None
        assert receipt(box)["number"] == f"NYGTA-{YEAR}-1"
        assert box.state()["receipts"][0]["batched"] is False
    finally:
        server.stop()
