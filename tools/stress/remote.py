"""Calls to Odoo and the sandbox: every one with a timeout, none that raises on a status.

Figures count statuses, so HTTP helpers return what happened (status, seconds) instead of
raising; only the control calls the suite depends on (sandbox setup) raise.
"""

from __future__ import annotations

import threading
import time
import xmlrpc.client
from dataclasses import dataclass, field

import requests

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 60
# Longer than Odoo's --limit-time-real 120: Odoo, not the client, ends a slow call.
RPC_TIMEOUT = 180
PUSH_RETRIES = 5  # Számlázz.hu retries a refused push; a 503 here asks for just that
RETRY_PAUSE = 0.2
XML_QUERY = "action-szamla_agent_xml"
# The admin of a database Odoo has just created; it lives only as long as the run.
ADMIN_LOGIN, ADMIN_PASSWORD = "admin", "admin"


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer (connection refused, reset, timeout)
    seconds: float
    error: str = ""
    body: bytes = b""


@dataclass
class PushOutcome:
    number: str
    final: Answer
    statuses: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.final.status is not None and 200 <= self.final.status < 300

    @property
    def retried_503(self) -> int:
        return sum(1 for status in self.statuses if status == 503)


def http(method: str, url: str, timeout=READ_TIMEOUT, **arguments) -> Answer:
    started = time.perf_counter()
    try:
        response = requests.request(
            method, url, timeout=(CONNECT_TIMEOUT, timeout), allow_redirects=False, **arguments
        )
    except requests.RequestException as error:
        return Answer(None, time.perf_counter() - started, type(error).__name__)
    return Answer(response.status_code, time.perf_counter() - started, body=response.content)


def push(url: str, key: str | None, body, number: str = "") -> PushOutcome:
    """POST one body as Számlázz.hu's data connection does; a 503 is retried up to
    PUSH_RETRIES times, anything else is the final answer."""
    sent_headers = {"Content-Type": "application/xml"}
    if key is not None:
        sent_headers["X-Szamlazzhu-Key"] = key
    outcome = PushOutcome(number, Answer(None, 0.0))
    for attempt in range(PUSH_RETRIES + 1):
        outcome.final = http("POST", url, data=body, headers=sent_headers)
        outcome.statuses.append(outcome.final.status)
        if outcome.final.status != 503 or attempt == PUSH_RETRIES:
            break
        time.sleep(RETRY_PAUSE * (attempt + 1))
    return outcome


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self._timeout
        return connection


class Rpc:
    """XML-RPC as admin; a ServerProxy per thread (they are not thread-safe)."""

    def __init__(self, url: str, database: str):
        self.url, self.database, self.password = url, database, ADMIN_PASSWORD
        self._local = threading.local()
        common = xmlrpc.client.ServerProxy(
            url + "/xmlrpc/2/common", transport=_TimeoutTransport(RPC_TIMEOUT)
        )
        self.uid = common.authenticate(database, ADMIN_LOGIN, ADMIN_PASSWORD, {})
        if not self.uid:
            raise SystemExit("Odoo refused the admin login on %s over XML-RPC." % database)

    def _models(self):
        if not hasattr(self._local, "models"):
            self._local.models = xmlrpc.client.ServerProxy(
                self.url + "/xmlrpc/2/object",
                transport=_TimeoutTransport(RPC_TIMEOUT),
                allow_none=True,
            )
        return self._local.models

    def __call__(self, model: str, method: str, *args, **kwargs):
        return self._models().execute_kw(
            self.database, self.uid, self.password, model, method, list(args), kwargs
        )

    def count(self, model: str, domain: list) -> int:
        return self(model, "search_count", domain)


class Sandbox:
    """The sandbox's control API (JSON)."""

    def __init__(self, url: str, agent_key: str):
        self.url, self.agent_key = url, agent_key

    def call(self, method: str, path: str, payload=None, timeout=30) -> dict:
        response = requests.request(
            method, self.url + path, json=payload, timeout=(CONNECT_TIMEOUT, timeout)
        )
        if not response.ok:
            raise SystemExit(
                "The sandbox answered %s to %s %s: %s"
                % (response.status_code, method, path, response.text[:500])
            )
        return response.json() if response.content else {}

    def agent_queries(self) -> tuple[int, list[tuple[str, str]]]:
        """XML queries (``action-szamla_agent_xml``) so far: the count, and in order the
        number asked about and when the answer went (to say who asked twice, and when)."""
        state = self.call("GET", "/_sandbox/state?agent_key=%s" % self.agent_key)
        count = state["request_counts"]["by_action"].get(XML_QUERY, 0)
        asked = [
            (entry["number"], entry["time"])
            for entry in state["requests"]
            if entry["action"] == XML_QUERY
        ]
        return count, asked
