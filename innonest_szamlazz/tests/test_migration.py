"""The 18.0.1.1.0 migration: numbers read again, E- prefixes folded into their prefix."""

import importlib.util
from pathlib import Path

from odoo.tests import TransactionCase, tagged

from .szamla_documents import szamla_xml

MIGRATION = Path(__file__).resolve().parents[1] / "migrations" / "18.0.1.1.0" / "post-migrate.py"


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestNumberingMigration(TransactionCase):
    def test_e_prefix_learned_before_is_folded_into_the_issuing_prefix(self):
        account = self.env["szamlazz.account"].sudo().search(
            [("company_id", "=", self.env.company.id)]
        ) or self.env["szamlazz.account"].sudo().create(
            {"company_id": self.env.company.id, "agent_key": "unused", "state": "connected"}
        )
        warehouse = self.env["stock.warehouse"].search([], limit=1)
        wrong = self.env["szamlazz.prefix"].create(
            {
                "account_id": account.id,
                "name": "E-MIG",
                "is_webshop": True,
                "warehouse_id": warehouse.id,
            }
        )
        account.default_prefix_id = wrong
        unmapped = self.env["szamlazz.prefix"].create(
            {"account_id": account.id, "name": "E-MIGB", "is_webshop": True}
        )
        invoice = self.env["szamlazz.invoice"]._receive_xml(
            account, szamla_xml("E-MIG-2026-9", items=[("A", None, 1, 100)]), "push"
        )
        digest = invoice.content_sha256
        # As 18.0.1.0.0 stored it: prefix E-MIG, no e-invoice series, no content digest.
        invoice.write(
            {"number_prefix": "E-MIG", "number_e_invoice": False, "content_sha256": False}
        )

        spec = importlib.util.spec_from_file_location("post_migrate", MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()

        self.assertEqual((invoice.number_prefix, invoice.number_e_invoice), ("MIG", True))
        issuing = self.env["szamlazz.prefix"].search(
            [("account_id", "=", account.id), ("name", "=", "MIG")]
        )
        self.assertEqual((issuing.is_webshop, issuing.warehouse_id), (True, warehouse))
        self.assertFalse(wrong.active, "archived, not deleted")
        self.assertEqual(invoice.content_sha256, digest, "its next re-query is a replay")
        issuing_b = self.env["szamlazz.prefix"].search(
            [("account_id", "=", account.id), ("name", "=", "MIGB")]
        )
        self.assertTrue(issuing_b.is_webshop, "a webshop without a warehouse stays a webshop")
        self.assertFalse(unmapped.active)
        self.assertEqual(account.default_prefix_id, issuing)
