"""The command line: startup line, --seed-webshop, clean shutdown on SIGINT and SIGTERM."""

from __future__ import annotations

import datetime as dt
import signal
from decimal import Decimal

import agent_requests as req
import pytest
from conftest import Sandbox, SandboxServer

from szamlazz_sandbox.store import DEMO_AGENT_KEY, Buyer, DocumentSpec, Store, make_item


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_startup_line_seed_and_clean_shutdown(xsd_dir, signum):
    server = SandboxServer(xsd_dir, push_mode="manual", extra=["--seed-webshop", "3"])
    try:
        assert server.url.startswith("http://127.0.0.1:")
        numbers = [d["number"] for d in Sandbox(server.url).state()["documents"]]
        assert len(numbers) == 3 and all(n.startswith("E-WEB-") for n in numbers)
        server.process.send_signal(signum)
        assert server.process.wait(timeout=10) == 0
    finally:
        server.stop()


def test_state_file_keeps_numbering_across_restarts(xsd_dir, tmp_path):
    """Számlázz.hu never issues a number twice: a restarted sandbox continues the series."""
    state_file = tmp_path / "sandbox.state"
    extra = ["--state-file", str(state_file)]
    first = SandboxServer(xsd_dir, push_mode="manual", extra=[*extra, "--seed-webshop", "2"])
    try:
        before = [d["number"] for d in Sandbox(first.url).state()["documents"]]
        first.process.send_signal(signal.SIGTERM)
        assert first.process.wait(timeout=10) == 0
    finally:
        first.stop()
    second = SandboxServer(xsd_dir, push_mode="manual", extra=[*extra, "--seed-webshop", "1"])
    try:
        after = [d["number"] for d in Sandbox(second.url).state()["documents"]]
    finally:
        second.stop()
    assert len(before) == 2
    assert after[:2] == before
    assert after[2] not in before and after[2].startswith("E-WEB-")


def test_a_state_file_of_an_older_sandbox_still_loads(xsd_dir, tmp_path):
    """Documents and accounts pickled before the newer fields existed get their defaults."""
    store = Store()
    account = store.account(DEMO_AGENT_KEY)
    item = make_item("Bögre", Decimal(1), "db", Decimal(1000))
    old, _ = store.issue(
        account, DocumentSpec("SZ", Buyer("Régi Vevő", "1111", "Budapest", "Fő utca 1."), [item])
    )
    for name in ("proforma_numbers_with_year", "lookup_delay_seconds", "omit_elements"):
        del vars(account)[name]
    for name in ("issued_by", "pdf_mode", "omit", "created_at"):
        del vars(old)[name]
    state_file = tmp_path / "old.state"
    store.save(state_file)

    server = SandboxServer(xsd_dir, push_mode="manual", extra=["--state-file", str(state_file)])
    try:
        box = Sandbox(server.url)
        (summary,) = box.state()["documents"]
        assert (summary["number"], summary["issued_by"]) == (old.number, None)
        answer = req.send(box, req.QUERY_XML, req.query_xml(old.number))
        assert b"<szamlaszam>" + old.number.encode() in answer.content
        assert req.send(box, req.CREATE, req.invoice()).headers["szlahu_szamlaszam"] == (
            f"DEMO-{dt.date.today().year}-2"
        )
        assert box.state()["self_check_errors"] == []
    finally:
        server.stop()
