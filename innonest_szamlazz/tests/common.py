"""Shared test fixtures: a real Számlázz.hu sandbox process and a connected account.

The sandbox runs as a separate process (``python -m szamlazz_sandbox``) and is reached over
real HTTP on loopback, exactly as Odoo reaches Számlázz.hu in production.
"""

import json
import sys
from pathlib import Path

import requests
from odoo.tests import HttpCase, TransactionCase

REPO_ROOT = Path(__file__).resolve().parents[2]
try:  # the repository root is on PYTHONPATH (tools/run_tests.sh); tests only, never the addon
    from szamlazz_sandbox.launcher import SandboxLauncher, default_xsd_dir
except ImportError:
    sys.path.append(str(REPO_ROOT))
    from szamlazz_sandbox.launcher import SandboxLauncher, default_xsd_dir

SANDBOX_AGENT_KEY = "sandbox-demo-key"
SANDBOX_TAX_NUMBER = "12345678-2-42"


def xsd_dir():
    """The official XSDs, when this machine has them (they are never shipped)."""
    candidate = default_xsd_dir()
    return candidate if candidate.is_dir() else None


class SandboxProcess(SandboxLauncher):
    """A ``szamlazz_sandbox`` server in its own process (``szamlazz_sandbox.launcher``),
    pushes delivered on ``flush()``; validating against the XSDs when this machine has them."""

    def __init__(self, push_mode="manual"):
        super().__init__(push_mode=push_mode, cwd=REPO_ROOT)

    def start(self):
        self.xsd_dir = xsd_dir()
        return super().start()

    def control(self, method, path, payload=None):
        response = requests.request(
            method,
            self.control_url(path),
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

    def store_pushes(self):
        """What the import does first: store the pushes kept, without processing them."""
        self.env["szamlazz.push"]._read_waiting(self.env["szamlazz.account"].search([]), 1000)

    def register_push_target(self):
        """Point the sandbox's data connection and IPN at this test's Odoo server."""
        return self.sandbox.control(
            "POST",
            "accounts",
            {
                "agent_key": SANDBOX_AGENT_KEY,
                "push_url": self.base_url() + "/szamlazz/push",
                "incoming_push_url": self.base_url() + "/szamlazz/push/incoming",
                "receipt_push_url": self.base_url() + "/szamlazz/push/receipts",
                "bank_push_url": self.base_url() + "/szamlazz/push/bank",
                "push_key": self.account.push_key,
                "ipn_url": self.base_url() + "/szamlazz/ipn/%d" % self.account.id,
            },
        )
