"""Fault injection: each kind misbehaves for the next N agent requests only."""

from __future__ import annotations

import time

import agent_requests as req
import pytest
import requests
from lxml import etree


def inject(sandbox, kind: str, **extra) -> None:
    sandbox.control("POST", "faults", json={"kind": kind, **extra})


def documents(sandbox) -> list[dict]:
    return sandbox.state()["documents"]


def test_latency(sandbox):
    inject(sandbox, "latency", seconds=0.4)
    started = time.monotonic()
    answer = req.send(sandbox, req.CREATE, req.invoice())
    assert time.monotonic() - started >= 0.4
    assert answer.headers["szlahu_szamlaszam"]


def test_http_error_does_nothing_for_the_next_n_requests(sandbox):
    inject(sandbox, "http_error", status=503, times=2)
    for _ in range(2):
        assert req.send(sandbox, req.CREATE, req.invoice(external_id="x")).status_code == 503
    assert documents(sandbox) == []
    assert req.send(sandbox, req.CREATE, req.invoice(external_id="x")).status_code == 200
    state = sandbox.state()
    assert len(state["documents"]) == 1
    assert state["request_counts"]["by_external_id"]["x"] == {req.CREATE: 3}
    assert [r["fault"] for r in state["requests"]] == ["http_error", "http_error", None]


def test_maintenance_code_1_with_szlahu_down(sandbox):
    inject(sandbox, "maintenance")
    answer = req.send(sandbox, req.CREATE, req.invoice())
    assert answer.status_code == 200
    assert answer.headers["szlahu_error_code"] == "1"
    assert answer.headers["szlahu_down"] == "true"
    root = etree.fromstring(answer.content)
    assert root.findtext("{http://www.szamlazz.hu/xmlszamlavalasz}hibakod") == "1"
    assert documents(sandbox) == []


def test_drop_reply_after_the_work_is_done(sandbox):
    inject(sandbox, "drop_reply")
    with pytest.raises(requests.ConnectionError):
        req.send(sandbox, req.CREATE, req.invoice(external_id="lost-1"))
    (document,) = documents(sandbox)
    assert document["external_id"] == "lost-1"
    found = req.send(sandbox, req.QUERY_XML, req.query_xml(external_id="lost-1"))
    assert b"<szamlaszam>" + document["number"].encode() in found.content


def test_malformed_reply_after_the_work_is_done(sandbox):
    inject(sandbox, "malformed")
    answer = req.send(sandbox, req.CREATE, req.invoice())
    assert answer.status_code == 200
    assert "szlahu_szamlaszam" not in answer.headers
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(answer.content)
    assert len(documents(sandbox)) == 1


def test_agent_error_answers_the_code_and_does_nothing(sandbox):
    inject(sandbox, "agent_error", code=136)
    answer = req.send(sandbox, req.CREATE, req.invoice())
    assert answer.headers["szlahu_error_code"] == "136"
    assert "szlahu_szamlaszam" not in answer.headers
    assert documents(sandbox) == []


def test_notification_failure_56_names_the_issued_document(sandbox):
    inject(sandbox, "agent_error", code=56)
    answer = req.send(sandbox, req.CREATE, req.invoice())
    assert answer.headers["szlahu_error_code"] == "56"
    (document,) = documents(sandbox)
    assert answer.headers["szlahu_szamlaszam"] == document["number"]


def test_faults_can_be_listed_and_cleared(sandbox):
    inject(sandbox, "maintenance", times=3)
    assert sandbox.control("GET", "faults")["faults"][0]["times"] == 3
    assert sandbox.control("DELETE", "faults") == {"faults": []}
    assert "szlahu_error_code" not in req.send(sandbox, req.CREATE, req.invoice()).headers
    bad = sandbox.http.post(sandbox.url + "/_sandbox/faults", json={"kind": "gremlins"})
    assert bad.status_code == 400


def test_latency_outlives_the_client_and_the_work_is_done_later(sandbox):
    """The sleep comes before the work (A4d-2: a create stalled >= 57 s unanswered): a client
    that gave up cannot know whether the document exists, and it does, a little later."""
    inject(sandbox, "latency", seconds=1.0)
    with pytest.raises(requests.ReadTimeout):
        req.send(sandbox, req.CREATE, req.invoice(external_id="slow-1"), timeout=0.3)
    assert documents(sandbox) == []  # not yet: the request is still asleep
    deadline = time.monotonic() + 5
    while not documents(sandbox) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [d["external_id"] for d in documents(sandbox)] == ["slow-1"]
