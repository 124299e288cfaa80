"""Transport behaviour over real HTTP against a tiny local stand-in: the JSESSIONID
cookie Számlázz.hu hands out is sent back, answers in Számlázz.hu's header style
are read, refused connections are "temporarily unavailable"."""

from __future__ import annotations

import socket
import threading
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from szamlazz_agent import (
    AgentClient,
    BuyerRequest,
    InvoiceItemRequest,
    InvoiceRequest,
    TemporarilyUnavailableError,
)


class StubAgent:
    """Answers every POST like Számlázz.hu answers a create with valaszVerzio=2,
    sets a JSESSIONID on the first answer and records the Cookie headers it got."""

    def __init__(self):
        self.cookies: list[str | None] = []
        self.fields: list[bytes] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stub.cookies.append(self.headers.get("Cookie"))
                stub.fields.append(body.split(b"\r\n", 2)[1])
                answer = b""
                self.send_response(200)
                if len(stub.cookies) == 1:
                    self.send_header("Set-Cookie", "JSESSIONID=ABC123; Path=/szamla; HttpOnly")
                self.send_header("szlahu_szamlaszam", "DEMO-2026-9")
                self.send_header("szlahu_id", "123")
                self.send_header("szlahu_nettovegosszeg", "1000")
                self.send_header("szlahu_bruttovegosszeg", "1 270,00")
                self.send_header("szlahu_kintlevoseg", "1270,0")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/szamla/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub():
    agent = StubAgent()
    yield agent
    agent.close()


def invoice() -> InvoiceRequest:
    return InvoiceRequest(
        issue_date=date(2026, 11, 22),
        fulfillment_date=date(2026, 11, 22),
        due_date=date(2026, 11, 30),
        payment_method="átutalás",
        currency="HUF",
        language="hu",
        items=[InvoiceItemRequest("Kávé", Decimal(1), "db", Decimal(1000), "27")],
        buyer=BuyerRequest("Vevő", "1111", "Budapest", "Fő utca 1."),
    )


def test_jsessionid_is_sent_back(stub):
    client = AgentClient("key", base_url=stub.url, backoff_seconds=0)
    result = client.create_invoice(invoice())
    client.create_invoice(invoice())
    client.create_invoice(invoice())
    assert stub.cookies == [None, "JSESSIONID=ABC123", "JSESSIONID=ABC123"]
    assert (result.number, result.internal_id) == ("DEMO-2026-9", 123)
    assert (result.net, result.gross, result.outstanding) == (
        Decimal("1000"),
        Decimal("1270.00"),
        Decimal("1270.0"),
    )


def test_the_action_is_a_file_field(stub):
    AgentClient("key", base_url=stub.url).create_invoice(invoice())
    assert stub.fields[0].startswith(
        b'Content-Disposition: form-data; name="action-xmlagentxmlfile"'
    )
    assert b'filename="' in stub.fields[0]


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/szamla/"


def test_refused_connection_is_temporarily_unavailable():
    client = AgentClient("key", base_url=closed_port_url(), backoff_seconds=0)
    with pytest.raises(TemporarilyUnavailableError):
        client.query_taxpayer("12345678")
    with pytest.raises(TemporarilyUnavailableError):
        client.create_invoice(invoice())
