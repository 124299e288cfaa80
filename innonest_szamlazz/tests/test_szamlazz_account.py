import dataclasses
from datetime import date
from pathlib import Path

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from .common import SANDBOX_AGENT_KEY, SzamlazzCase

BUYER = {"name": "Vevő Kft.", "zip": "1111", "city": "Budapest", "street": "Fő utca 1."}
ITEMS = [
    {
        "name": "Kávébab 1 kg",
        "identifier": "DEMO-SKU-1",
        "quantity": 1,
        "net_unit_price": 5504,
        "vat_rate": "27",
    }
]
FIRST_BANK_ACCOUNT = "11773016-11111111-00000000"
NEW_BANK_ACCOUNT = "10400000-22222222-00000000"


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestLearnFromDocuments(SzamlazzCase):
    def _document(self, **issue):
        """A document issued at the sandbox, as the client reads it back."""
        number = self.sandbox.issue(buyer=BUYER, items=ITEMS, **issue)["number"]
        return self.account._get_client().query_invoice(number=number)

    def _learn(self, document):
        """What processing learns from ``document`` once it is stored."""
        invoice = self.env["szamlazz.invoice"]._store_document(self.account, document, "pull")
        prefixes = invoice._batch_lookups(invoice)["prefixes"][self.account.id]
        self.account._learn_from_invoice(invoice, prefixes)

    def _bank_accounts(self):
        return (
            self.env["res.partner.bank"]
            .with_context(active_test=False)
            .search([("partner_id", "=", self.company.partner_id.id)])
        )

    def _messages(self):
        return self.account.message_ids.mapped("body")

    def test_prefix_and_bank_account_are_learned_once(self):
        document = self._document(kind="SZ", prefix="WEB")
        self._learn(document)

        prefix = self.account.prefix_ids
        self.assertEqual(prefix.mapped("name"), ["WEB"])
        self.assertEqual(prefix.document_kind, "invoice")
        self.assertEqual(prefix.company_id, self.company)
        bank_account = self._bank_accounts().filtered(
            lambda bank: bank.sanitized_acc_number == FIRST_BANK_ACCOUNT.replace("-", "")
        )
        self.assertTrue(bank_account)
        self.assertEqual(bank_account.bank_id.name, "OTP Bank")
        self.assertEqual(self.account.bank_account_id, bank_account)
        self.assertTrue(any("WEB" in body for body in self._messages()))

        message_count = len(self.account.message_ids)
        self._learn(self._document(kind="SZ", prefix="WEB"))
        self.assertEqual(len(self.account.prefix_ids), 1)
        self.assertEqual(self._bank_accounts(), bank_account)
        self.assertEqual(len(self.account.message_ids), message_count, "nothing new to say")

    def test_proforma_teaches_its_invoice_series(self):
        document = self._document(kind="D", prefix="DEMO")
        self.assertTrue(document.number.startswith("D-DEMO-"))
        self._learn(document)
        self.assertEqual(self.account.prefix_ids.mapped("name"), ["DEMO"])
        # The pull walks DEMO-2026-1, DEMO-2026-2, ... once DEMO is a webshop prefix.
        self.assertEqual(self.account.prefix_ids.document_kind, "invoice")

    def test_changed_bank_account_is_posted_and_the_old_one_kept(self):
        self._learn(self._document(kind="SZ"))
        old_bank_account = self.account.bank_account_id
        self.sandbox.control(
            "POST",
            "accounts",
            {
                "agent_key": SANDBOX_AGENT_KEY,
                "seller": {"bank_name": "K&H Bank", "bank_account": NEW_BANK_ACCOUNT},
            },
        )
        self._learn(self._document(kind="SZ"))

        self.assertEqual(self.account.bank_account_id.acc_number, NEW_BANK_ACCOUNT)
        self.assertTrue(old_bank_account.exists(), "nothing is deleted")
        self.assertEqual(len(self._bank_accounts()), 2)
        change = self.account.message_ids[0].body
        self.assertIn("changed", change)
        self.assertIn(FIRST_BANK_ACCOUNT, change)
        self.assertIn(NEW_BANK_ACCOUNT, change)

    def test_older_document_does_not_switch_the_bank_account_back(self):
        self._learn(self._document(kind="SZ"))
        current = self.account.bank_account_id
        document = self._document(kind="SZ")
        old_document = dataclasses.replace(
            document,
            issue_date=date(2020, 1, 1),
            seller=dataclasses.replace(document.seller, bank_account=NEW_BANK_ACCOUNT),
        )
        self._learn(old_document)
        self.assertEqual(self.account.bank_account_id, current)
        self.assertEqual(len(self._bank_accounts()), 2, "still recorded as a choice")

    def test_archived_prefix_stays_archived(self):
        self._learn(self._document(kind="SZ", prefix="WEB"))
        self.account.prefix_ids.action_archive()
        self._learn(self._document(kind="SZ", prefix="WEB"))
        prefixes = (
            self.env["szamlazz.prefix"]
            .with_context(active_test=False)
            .search([("account_id", "=", self.account.id)])
        )
        self.assertEqual(len(prefixes), 1)
        self.assertFalse(prefixes.active)


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestSzamlazzAccount(SzamlazzCase):
    def test_push_key_is_generated_and_found(self):
        push_key = self.account.push_key
        self.assertTrue(push_key)
        self.assertLessEqual(len(push_key), 40)
        other = self.env["szamlazz.account"].create(
            {"company_id": self.env["res.company"].create({"name": "Másik Kft."}).id}
        )
        self.assertNotEqual(other.push_key, push_key)

        Account = self.env["szamlazz.account"]
        self.assertEqual(Account._find_by_push_key(push_key), self.account)
        self.assertEqual(Account._find_by_push_key(other.push_key), other)
        self.assertFalse(Account._find_by_push_key(push_key[:-1] + "x"))
        self.assertFalse(Account._find_by_push_key(""))
        self.assertFalse(Account._find_by_push_key("é"))

    def test_callback_urls_use_the_base_url(self):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://bolt.example/")
        self.account.invalidate_recordset(["push_url", "ipn_url"])
        self.assertEqual(self.account.push_url, "https://bolt.example/szamlazz/push")
        self.assertEqual(
            self.account.ipn_url, "https://bolt.example/szamlazz/ipn/%d" % self.account.id
        )

    def test_agent_url_defaults_to_the_system_parameter(self):
        Account = self.env["szamlazz.account"]
        self.assertEqual(Account._default_agent_url(), "https://www.szamlazz.hu/szamla/")
        self.env["ir.config_parameter"].sudo().set_param(
            "innonest_szamlazz.agent_url", "http://127.0.0.1:1/szamla/"
        )
        self.assertEqual(Account._default_agent_url(), "http://127.0.0.1:1/szamla/")

    def test_one_account_per_company(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["szamlazz.account"].create({"company_id": self.company.id})

    def test_client_needs_a_key(self):
        account = self.env["szamlazz.account"].create(
            {"company_id": self.env["res.company"].create({"name": "Kulcs Nélkül Kft."}).id}
        )
        with self.assertRaises(UserError):
            account._get_client()
        self.assertEqual(self.account._get_client().base_url, self.sandbox.agent_url)

    def test_one_session_per_account_until_the_key_changes(self):
        """Számlázz.hu asks integrations to keep their JSESSIONID between calls."""
        number = self.sandbox.issue(
            kind="SZ",
            buyer={"name": "Vevő", "zip": "1111", "city": "Budapest", "street": "Fő u. 1."},
            items=[{"name": "Kávé", "quantity": 1, "net_unit_price": 1000}],
        )["number"]
        for _attempt in range(2):
            self.account._get_client().query_invoice(number=number)
        self.sandbox.control("POST", "accounts", {"agent_key": "rotated-key"})
        self.account.sudo().agent_key = "rotated-key"
        self.account._get_client().query_taxpayer("12345678")
        sessions = [
            call["session"]
            for key in (SANDBOX_AGENT_KEY, "rotated-key")
            for call in self.sandbox.control("GET", "state?agent_key=" + key)["requests"]
        ]
        self.assertEqual(len(sessions), 3)
        self.assertEqual(sessions[0], sessions[1], "the second call reuses the session")
        self.assertNotEqual(sessions[1], sessions[2], "a new key starts a new session")

    def test_check_connection_button(self):
        self.company.vat = "12345678-2-42"
        self.account.state = "error"
        self.account.action_check_connection()
        self.assertEqual(self.account.state, "connected")
        self.account.sudo().agent_key = "refused-key"
        self.account.action_check_connection()
        self.assertEqual(self.account.state, "error", "a refused key is an error")
        self.assertIn("did not accept", self.account.last_error)

    def test_a_check_during_maintenance_leaves_the_account_working(self):
        """One check in a maintenance window parked the account in Error for good: the
        pull skipped it and Import now disappeared until someone checked by hand."""
        self.company.vat = "12345678-2-42"
        self.sandbox.control("POST", "faults", {"kind": "maintenance", "times": 5})
        answer = self.account.action_check_connection()
        self.assertEqual(answer["params"]["type"], "warning")
        self.assertEqual(self.account.state, "connected")
        self.assertIn("under maintenance", self.account.last_error)

    def test_import_now_during_an_outage_says_so_instead_of_success(self):
        self.env["szamlazz.prefix"].create(
            {"account_id": self.account.id, "name": "WEB", "is_webshop": True}
        )
        self.sandbox.control("POST", "faults", {"kind": "maintenance", "times": 20})
        answer = self.account.action_import_now()
        self.assertEqual(answer["params"]["type"], "warning")
        self.assertIn("could not be asked", answer["params"]["message"])

    def test_the_import_recovers_an_account_in_error_by_itself(self):
        self.company.vat = "12345678-2-42"
        self.account.state = "error"
        self.env["szamlazz.account"]._cron_import_documents()
        self.assertEqual(self.account.state, "connected")
        self.assertFalse(self.account.last_error)

    def test_neutralize_blanks_the_keys(self):
        production_push_key = self.account.push_key
        sql = Path(__file__).parents[1].joinpath("data", "neutralize.sql").read_text()
        self.env.cr.execute(sql)
        self.account.invalidate_recordset()
        self.assertFalse(self.account.agent_key)
        self.assertFalse(self.account.push_key)
        self.assertEqual(self.account.state, "draft")
        self.assertFalse(self.env["szamlazz.account"]._find_by_push_key(production_push_key))

    def test_warehouse_of_another_company_is_refused(self):
        other_company = self.env["res.company"].create({"name": "Raktár Kft."})
        other_warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", other_company.id)], limit=1
        )
        self.assertTrue(other_warehouse)
        with self.assertRaises(UserError):
            self.env["szamlazz.prefix"].create(
                {
                    "account_id": self.account.id,
                    "name": "WEB",
                    "is_webshop": True,
                    "warehouse_id": other_warehouse.id,
                }
            )

    def test_settings_show_the_connection_of_the_current_company(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.szamlazz_account_id, self.account)
        self.assertEqual(settings.szamlazz_state, "connected")
        action = settings.action_open_szamlazz_account()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("szamlazz.account", self.account.id)
        )

        unconnected = self.env["res.company"].create({"name": "Még Nincs Kft."})
        settings = self.env["res.config.settings"].with_company(unconnected).create({})
        self.assertFalse(settings.szamlazz_account_id)
