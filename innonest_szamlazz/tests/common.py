"""Shared test fixtures: a real Számlázz.hu sandbox process and a connected account.

The sandbox runs as a separate process (``python -m szamlazz_sandbox``) and is reached over
real HTTP on loopback, exactly as Odoo reaches Számlázz.hu in production.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import requests
from odoo.tests import HttpCase, TransactionCase

REPO_ROOT = Path(__file__).resolve().parents[2]
SANDBOX_AGENT_KEY = "sandbox-demo-key"
SANDBOX_TAX_NUMBER = "12345678-2-42"
STARTUP_PREFIX = "szamlazz_sandbox listening on "


def xsd_dir():
    """The official XSDs, when this machine has them (they are never shipped)."""
    configured = os.environ.get("SZAMLAZZ_XSD_DIR")
    candidate = Path(configured) if configured else REPO_ROOT.parent / "shared" / "szamlazz-xsd"
    return candidate if candidate.is_dir() else None


class SandboxProcess:
    """A ``szamlazz_sandbox`` server in its own process, pushes delivered on ``flush()``."""

    def __init__(self, push_mode="manual"):
        self.push_mode = push_mode
        self.process = None
        self.url = None

    @property
    def agent_url(self):
        return self.url + "/szamla/"

    def start(self):
        command = [
            sys.executable,
            "-m",
            "szamlazz_sandbox",
            "--port",
            "0",
            "--push-mode",
            self.push_mode,
        ]
        schemas = xsd_dir()
        if schemas:
            command += ["--xsd-dir", str(schemas)]
        self.process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline().strip()
        if not line.startswith(STARTUP_PREFIX):
            self.stop()
            raise RuntimeError("The Számlázz.hu sandbox did not start: %r" % line)
        self.url = line[len(STARTUP_PREFIX) :].rstrip("/")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process and self.process.stdout:
            self.process.stdout.close()

    def control(self, method, path, payload=None):
        response = requests.request(
            method,
            self.url + "/_sandbox/" + path.lstrip("/"),
            data=json.dumps(payload) if payload is not None else None,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        response.raise_for_status()
        return response.json() if response.content else {}

    def reset(self):
        return self.control("POST", "reset")

    def issue(self, **document):
        document.setdefault("agent_key", SANDBOX_AGENT_KEY)
        return self.control("POST", "documents", document)

    def flush(self):
        return self.control("POST", "push/flush")

    def state(self):
        return self.control("GET", "state?agent_key=" + SANDBOX_AGENT_KEY)


class SzamlazzSandboxMixin:
    """One sandbox per test class, reset before each test; the main company connected to it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = SandboxProcess().start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.company = cls.env.company
        cls.account = (
            cls.env["szamlazz.account"]
            .sudo()
            .create(
                {
                    "company_id": cls.company.id,
                    "agent_key": SANDBOX_AGENT_KEY,
                    "agent_url": cls.sandbox.agent_url,
                    "state": "connected",
                }
            )
        )

    def setUp(self):
        super().setUp()
        self.sandbox.reset()


class SzamlazzCase(SzamlazzSandboxMixin, TransactionCase):
    """Odoo ↔ sandbox tests that need no HTTP server on the Odoo side."""


class SzamlazzHttpCase(SzamlazzSandboxMixin, HttpCase):
    """Tests in which the sandbox calls Odoo back (pushes, IPN)."""

    def register_push_target(self):
        """Point the sandbox's data connection and IPN at this test's Odoo server."""
        return self.sandbox.control(
            "POST",
            "accounts",
            {
                "agent_key": SANDBOX_AGENT_KEY,
                "push_url": self.base_url() + "/szamlazz/push",
                "push_key": self.account.push_key,
                "ipn_url": self.base_url() + "/szamlazz/ipn/%d" % self.account.id,
            },
        )
