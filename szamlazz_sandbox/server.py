"""HTTP plumbing: routes `/szamla/` to the agent and `/_sandbox/*` to the control API."""

from __future__ import annotations

import json
import secrets
import socket
import sys
import traceback
import urllib.parse
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .agent import Agent, AgentReply
from .control import Control
from .faults import Faults
from .push import PushQueue
from .schemas import Schemas
from .store import Store

AGENT_PATHS = ("/szamla", "/szamla/")
MAX_BODY = 20 * 1024 * 1024


@dataclass
class App:
    store: Store
    schemas: Schemas
    pushes: PushQueue
    faults: Faults
    agent: Agent
    control: Control


def build_app(xsd_dir: str | None, push_mode: str) -> App:
    store, schemas, faults = Store(), Schemas(xsd_dir), Faults()
    pushes = PushQueue(schemas, push_mode)
    agent = Agent(store, schemas, pushes, faults)
    control = Control(store, agent, pushes, faults, schemas)
    # Auto mode: each earlier day's receipts leave in their daily batch by themselves.
    pushes.periodic.append(control.queue_daily_receipt_batches)
    return App(store, schemas, pushes, faults, agent, control)


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: App):
        self.app = app
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"
    server_version = "szamlazz_sandbox"
    sys_version = ""

    def log_message(self, format, *args):
        pass  # quiet: the request log lives in /_sandbox/state

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("request body too large")
        return self.rfile.read(length) if length else b""

    def _send(
        self, status: int, body: bytes, content_type: str, headers: list[tuple[str, str]] = ()
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: dict) -> None:
        body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        self._send(status, body, "application/json; charset=UTF-8")

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _route(self, method: str) -> None:
        try:
            self._dispatch(method)
        except (BrokenPipeError, ConnectionResetError):
            # The client stopped waiting (its read timeout); the work is done all the same,
            # as on the real service. Nobody is left to answer.
            self.close_connection = True
        except Exception:  # a sandbox bug: say so loudly instead of hanging up
            traceback.print_exc(file=sys.stderr)
            self._json(500, {"error": "sandbox internal error, see its stderr"})

    def _dispatch(self, method: str) -> None:
        url = urllib.parse.urlsplit(self.path)
        try:
            body = self._body()
        except ValueError as exc:
            self._json(413, {"error": str(exc)})
            return
        if url.path in AGENT_PATHS and method == "POST":
            self._agent(body)
        elif url.path.startswith("/_sandbox/"):
            try:
                payload = json.loads(body or b"{}")
            except json.JSONDecodeError as exc:
                self._json(400, {"error": f"invalid JSON: {exc}"})
                return
            status, answer = self.server.app.control.handle(
                method, url.path, urllib.parse.parse_qs(url.query), payload
            )
            self._json(status, answer)
        else:
            self._json(404, {"error": f"nothing at {method} {url.path}"})

    def _session(self) -> tuple[str, bool]:
        """The caller's JSESSIONID, or a new one (Számla Agent expects clients to keep it)."""
        try:
            cookie = SimpleCookie(self.headers.get("Cookie", "")).get("JSESSIONID")
        except CookieError:
            cookie = None
        if cookie is not None and cookie.value:
            return cookie.value, False
        return secrets.token_hex(16).upper(), True

    def _agent(self, body: bytes) -> None:
        session, is_new = self._session()
        reply: AgentReply = self.server.app.agent.handle(
            self.headers.get("Content-Type", ""), body, session
        )
        if is_new:
            reply.headers.append(("Set-Cookie", f"JSESSIONID={session}; Path=/szamla; HttpOnly"))
        if reply.drop:
            # The work is done but the caller never hears about it.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(reply.status, reply.body, reply.content_type, reply.headers)
