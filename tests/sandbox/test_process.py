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
