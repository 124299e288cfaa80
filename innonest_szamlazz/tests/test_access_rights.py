import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SzamlazzCase, SzamlazzHttpCase

ACCESS_ERROR_FAULT = 4  # odoo.addons.base.controllers.rpc.RPC_FAULT_CODE_ACCESS_ERROR


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestKeyOverXmlRpc(SzamlazzHttpCase):
    def test_inventory_user_reads_the_account_but_never_the_key(self):
        clerk = new_test_user(
            self.env,
            login="raktaros",
            password="raktaros-pw",
            groups="stock.group_stock_user",
            company_id=self.company.id,
        )

        def call(model, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, clerk.id, "raktaros-pw", model, method, list(args), kwargs
            )

        [account] = call("szamlazz.account", "read", [self.account.id], fields=["state"])
        self.assertEqual(account["state"], "connected")
        call("szamlazz.invoice", "search_read", [], fields=["id"])

        for secret in ("agent_key", "push_key"):
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                call("szamlazz.account", "read", [self.account.id], fields=[secret])
            self.assertEqual(caught.exception.faultCode, ACCESS_ERROR_FAULT)
            self.assertIn(secret, caught.exception.faultString)
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            call("szamlazz.account", "write", [self.account.id], {"agent_key": "stolen"})
        self.assertEqual(caught.exception.faultCode, ACCESS_ERROR_FAULT)


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestAccessRights(SzamlazzCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="szamlazz_manager",
            groups="innonest_szamlazz.group_szamlazz_manager,stock.group_stock_manager",
            company_id=cls.company.id,
        )
        cls.other_company = cls.env["res.company"].create({"name": "Másik Bolt Kft."})
        cls.other_account = cls.env["szamlazz.account"].create(
            {"company_id": cls.other_company.id, "agent_key": "other-key"}
        )
        cls.other_manager = new_test_user(
            cls.env,
            login="masik_manager",
            groups="innonest_szamlazz.group_szamlazz_manager",
            company_id=cls.other_company.id,
            company_ids=[Command.set([cls.other_company.id])],
        )
        cls.prefix = cls.env["szamlazz.prefix"].create(
            {"account_id": cls.account.id, "name": "WEB"}
        )

    def test_manager_maps_prefixes_but_cannot_touch_the_key(self):
        account = self.account.with_user(self.manager)
        account.language = "en"
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        self.prefix.with_user(self.manager).write(
            {"is_webshop": True, "warehouse_id": warehouse.id}
        )
        self.assertEqual(self.prefix.warehouse_id, warehouse)
        with self.assertRaises(AccessError):
            account.read(["agent_key"])
        with self.assertRaises(AccessError):
            account.write({"agent_key": "stolen"})
        with self.assertRaises(AccessError, msg="the key would be sent to that address"):
            account.write({"agent_url": "https://attacker.example/szamla/"})
        with self.assertRaises(AccessError, msg="pushes would stop"):
            account.action_regenerate_push_key()
        with self.assertRaises(AccessError):
            self.env["szamlazz.connect.wizard"].with_user(self.manager).create({})

    def test_received_documents_and_prefixes_are_archived_never_deleted(self):
        """A deleted mirror would let a replayed push move its stock again."""
        invoice = self.env["szamlazz.invoice"].create(
            {"account_id": self.account.id, "company_id": self.company.id, "number": "WEB-2026-9"}
        )
        with self.assertRaises(AccessError):
            invoice.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self.prefix.with_user(self.manager).unlink()
        self.prefix.with_user(self.manager).active = False
        self.assertFalse(self.prefix.active)
        self.assertTrue(invoice.exists())

    def test_companies_do_not_see_each_other(self):
        Account = self.env["szamlazz.account"].with_user(self.other_manager)
        self.assertEqual(Account.search([]), self.other_account)
        with self.assertRaises(AccessError):
            self.account.with_user(self.other_manager).read(["state"])
        Prefix = self.env["szamlazz.prefix"].with_user(self.other_manager)
        self.assertFalse(Prefix.search([]))
        with self.assertRaises(AccessError):
            self.prefix.with_user(self.other_manager).read(["name"])

    def test_forms_open_without_the_secrets(self):
        clerk = new_test_user(
            self.env,
            login="raktaros2",
            groups="stock.group_stock_user",
            company_id=self.company.id,
        )
        for user in (self.manager, clerk):
            views = (
                self.env["szamlazz.account"]
                .with_user(user)
                .get_views([(False, "form"), (False, "list")])
            )
            form = views["views"]["form"]["arch"]
            self.assertIn('name="language"', form)
            for secret in ("agent_key", "push_key", "agent_url"):
                self.assertNotIn('name="%s"' % secret, form, user.login)
