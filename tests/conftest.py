"""Shared pytest fixtures: import paths, the official XSDs, a running sandbox, a push receiver.

The sandbox runs as a real subprocess (`python -m szamlazz_sandbox`) and is reached over
HTTP on loopback; nothing is mocked.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[1]
for _path in (str(REPO / "innonest_szamlazz"), str(REPO)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from szamlazz_sandbox.launcher import SandboxLauncher, default_xsd_dir  # noqa: E402

SANDBOX_AGENT_KEY = "sandbox-demo-key"
SZAMLAVALASZ_NS = "http://www.szamlazz.hu/szamlavalasz"


@pytest.fixture(scope="session")
def xsd_dir() -> Path:
    """The official Számlázz.hu XSDs ($SZAMLAZZ_XSD_DIR, default <repo>/../shared/szamlazz-xsd)."""
    path = default_xsd_dir()
    if not (path / "xmlszamla.xsd").is_file():
        pytest.fail(
            f"The official Számlázz.hu XSDs are not in {path}: set SZAMLAZZ_XSD_DIR "
            "to the directory holding xmlszamla.xsd, szamla.xsd, …"
        )
    return path


class SandboxServer(SandboxLauncher):
    """A started `python -m szamlazz_sandbox` subprocess (`szamlazz_sandbox.launcher`), manual
    push mode unless told; `extra` is appended to its command line."""

    def __init__(self, xsd_dir: Path, push_mode: str = "manual", extra: list[str] = ()):
        super().__init__(xsd_dir=xsd_dir, push_mode=push_mode, extra_args=extra, cwd=REPO)
        self.start()


@pytest.fixture(scope="session")
def sandbox_server(xsd_dir):
    server = SandboxServer(xsd_dir)
    yield server
    server.stop()


@dataclass
class Sandbox:
    """What a test needs to talk to a freshly reset sandbox."""

    url: str
    agent_key: str = SANDBOX_AGENT_KEY
    http: requests.Session = field(default_factory=requests.Session)

    @property
    def agent_url(self) -> str:
        return self.url + "/szamla/"

    def control(self, method: str, path: str, json: dict | None = None) -> dict:
        """Call `/_sandbox/<path>`; raises on an HTTP error, returns the parsed JSON."""
        response = self.http.request(
            method, self.url + "/_sandbox/" + path.lstrip("/"), json=json, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def state(self, agent_key: str | None = None) -> dict:
        return self.control("GET", f"state?agent_key={agent_key or self.agent_key}")


@pytest.fixture
def sandbox(sandbox_server) -> Sandbox:
    """The session's sandbox, reset to its start state for this test."""
    box = Sandbox(sandbox_server.url)
    box.control("POST", "reset")
    yield box
    # Whatever the test did, every document the sandbox produced must match its XSD.
    problems = box.state()["self_check_errors"]
    box.http.close()
    assert problems == [], f"the sandbox produced schema-invalid XML: {problems}"


@dataclass
class ReceivedPost:
    path: str
    headers: dict[str, str]
    body: bytes


VALID_ACKNOWLEDGEMENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<szamlavalasz xmlns="' + SZAMLAVALASZ_NS.encode() + b'"/>'
)


class PushReceiver:
    """A tiny HTTP server collecting posts (pushes and IPNs alike). It answers HTTP 200 with
    a valid `szamlavalasz`; set `fail_status` (e.g. 500) to fail every post, or `answer` to
    other bytes (e.g. b"OK") to acknowledge with an unusable body."""

    def __init__(self):
        self.posts: list[ReceivedPost] = []
        self.fail_status: int | None = None
        self.answer: bytes = VALID_ACKNOWLEDGEMENT
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.posts.append(ReceivedPost(self.path, dict(self.headers), body))
                    status, answer = receiver.fail_status, receiver.answer
                self.send_response(status or 200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def push_url(self) -> str:
        return self.url + "/push"

    @property
    def ipn_url(self) -> str:
        return self.url + "/ipn"

    def received(self, path: str) -> list[ReceivedPost]:
        with self._lock:
            return [p for p in self.posts if p.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_receiver():
    receiver = PushReceiver()
    yield receiver
    receiver.close()
