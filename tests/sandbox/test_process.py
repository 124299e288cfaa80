"""The command line: startup line, --seed-webshop, clean shutdown on SIGINT and SIGTERM."""

from __future__ import annotations

import signal

import pytest
from conftest import Sandbox, SandboxServer


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_startup_line_seed_and_clean_shutdown(xsd_dir, signum):
    server = SandboxServer(xsd_dir, push_mode="manual", extra=["--seed-webshop", "3"])
    try:
        assert server.url.startswith("http://127.0.0.1:")
        numbers = [d["number"] for d in Sandbox(server.url).state()["documents"]]
        assert len(numbers) == 3 and all(n.startswith("WEB-") for n in numbers)
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
    assert after[2] not in before and after[2].startswith("WEB-")
