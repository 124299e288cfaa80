from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import SANDBOX_AGENT_KEY, SzamlazzCase

# The new shop's own Számlázz.hu account: the demo key belongs to the main company's.
SHOP_KEY = "uj-bolt-agent-key"


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestConnectWizard(SzamlazzCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A shop that has not been connected yet and whose data is mostly missing.
        cls.new_company = cls.env["res.company"].create({"name": "Új Bolt"})
        cls.admin = new_test_user(
            cls.env,
            login="szamlazz_admin",
            groups="base.group_system,base.group_partner_manager,"
            "innonest_szamlazz.group_szamlazz_manager",
            company_id=cls.new_company.id,
            company_ids=[Command.set([cls.new_company.id, cls.company.id])],
        )
        # New accounts take their Agent URL from this parameter.
        cls.env["ir.config_parameter"].sudo().set_param(
            "innonest_szamlazz.agent_url", cls.sandbox.agent_url
        )

    def setUp(self):
        super().setUp()
        self.sandbox.control("POST", "accounts", {"agent_key": SHOP_KEY})

    def _wizard(self, company, **values):
        values.setdefault("tax_number", "12345678")
        return (
            self.env["szamlazz.connect.wizard"]
            .with_user(self.admin)
            .with_company(company)
            .create(values)
        )

    def _account_of(self, company):
        return self.env["szamlazz.account"].search([("company_id", "=", company.id)])

    def test_good_key_connects_and_offers_the_company_data(self):
        wizard = self._wizard(self.new_company, agent_key=SHOP_KEY)
        wizard.action_check_key()

        account = self._account_of(self.new_company)
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.agent_key, SHOP_KEY)
        self.assertEqual(account.agent_url, self.sandbox.agent_url)
        self.assertFalse(account.last_error)
        self.assertTrue(account.last_check_date)
        self.assertEqual(wizard.step, "company")
        self.assertFalse(wizard.error_message)

        lines = {line.field_name: line for line in wizard.line_ids}
        self.assertEqual(lines["name"].current_value, "Új Bolt")
        # NAV, and so Számlázz.hu, may spell the name in capitals.
        self.assertEqual(lines["name"].new_value.casefold(), "demo bolt kft.")
        self.assertFalse(lines["name"].apply, "a name the user typed is kept unless ticked")
        self.assertEqual(lines["vat"].new_value, "12345678-2-42")
        self.assertTrue(lines["vat"].apply, "missing data is filled in by default")
        self.assertEqual(lines["city"].new_value, "Budapest")

        wizard.action_apply_company_data()
        self.assertEqual(wizard.step, "register")
        self.assertEqual(self.new_company.vat, "12345678-2-42")
        self.assertEqual(self.new_company.city, "Budapest")
        self.assertEqual(self.new_company.street, "Váci utca 1.")
        self.assertEqual(self.new_company.zip, "1052")
        self.assertEqual(self.new_company.country_id.code, "HU")
        self.assertEqual(self.new_company.name, "Új Bolt")

        # The last step shows what to register at Számlázz.hu.
        self.assertTrue(wizard.push_url.endswith("/szamlazz/push"))
        self.assertTrue(wizard.ipn_url.endswith("/szamlazz/ipn/%d" % account.id))
        self.assertEqual(wizard.push_key, account.push_key)
        self.assertLessEqual(len(wizard.push_key), 40)
        wizard.backfill_date = "2026-01-01"
        wizard.action_done()
        self.assertEqual(str(account.backfill_date), "2026-01-01")

    def test_new_country_leaves_no_state_of_the_old_one(self):
        self.new_company.write(
            {
                "country_id": self.env.ref("base.us").id,
                "state_id": self.env.ref("base.state_us_5").id,
            }
        )
        wizard = self._wizard(self.new_company, agent_key=SHOP_KEY)
        wizard.action_check_key()
        wizard.line_ids.apply = True
        wizard.action_apply_company_data()
        self.assertEqual(self.new_company.country_id.code, "HU")
        self.assertFalse(self.new_company.state_id, "no California on a Budapest address")

    def test_ticked_name_replaces_the_company_name(self):
        wizard = self._wizard(self.new_company, agent_key=SHOP_KEY)
        wizard.action_check_key()
        wizard.line_ids.filtered(lambda line: line.field_name == "name").apply = True
        wizard.action_apply_company_data()
        self.assertEqual(self.new_company.name.casefold(), "demo bolt kft.")

    def test_wrong_key_is_explained_and_recorded(self):
        wizard = self._wizard(self.new_company, agent_key="not-a-real-key")
        wizard.action_check_key()

        self.assertEqual(wizard.step, "key")
        self.assertIn("did not accept this Agent key", wizard.error_message)
        account = self._account_of(self.new_company)
        self.assertEqual(account.state, "error")
        self.assertEqual(account.last_error, wizard.error_message)
        self.assertFalse(account.agent_key, "a refused key is not stored")
        self.assertIn("did not accept this Agent key", account.message_ids[0].body)

    def test_maintenance_is_explained_and_recorded(self):
        self.sandbox.control("POST", "faults", {"kind": "maintenance", "times": 5})
        wizard = self._wizard(self.new_company, agent_key=SHOP_KEY)
        wizard.action_check_key()

        self.assertEqual(wizard.step, "key")
        self.assertIn("under maintenance", wizard.error_message)
        account = self._account_of(self.new_company)
        self.assertEqual(account.state, "draft", "an outage says nothing about the key")
        self.assertIn("under maintenance", account.last_error)
        # Someone is waiting: the check gives up after one retry.
        shop_state = self.sandbox.control("GET", "state?agent_key=" + SHOP_KEY)
        self.assertEqual(shop_state["request_counts"]["total"], 2)

    def test_unknown_tax_number_is_explained(self):
        wizard = self._wizard(self.new_company, agent_key=SHOP_KEY, tax_number="99999999-2-42")
        wizard.action_check_key()
        self.assertEqual(wizard.step, "key")
        self.assertIn("99999999", wizard.error_message)
        self.assertIn("invalid", wizard.error_message)

    def test_an_empty_key_is_refused_before_calling(self):
        wizard = self._wizard(self.new_company, agent_key="  ")
        wizard.action_check_key()
        self.assertEqual(wizard.error_message, "Paste the Agent key first.")
        self.assertFalse(self.sandbox.state().get("requests", []))

    def test_a_tax_number_that_is_not_one_is_refused_before_calling(self):
        wizard = self._wizard(self.new_company, agent_key=SHOP_KEY, tax_number="12-34")
        wizard.action_check_key()
        self.assertIn("is not a Hungarian tax number", wizard.error_message)
        agent_calls = self.sandbox.state().get("requests", [])
        self.assertFalse(agent_calls)

    def test_running_again_replaces_the_key_and_loses_nothing(self):
        self.sandbox.control("POST", "accounts", {"agent_key": "rotated-key"})
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        prefix = self.env["szamlazz.prefix"].create(
            {
                "account_id": self.account.id,
                "name": "WEB",
                "is_webshop": True,
                "warehouse_id": warehouse.id,
            }
        )
        push_key = self.account.push_key

        wizard = self._wizard(self.company, agent_key="rotated-key")
        self.assertTrue(wizard.is_reconnect)
        wizard.action_check_key()

        self.assertEqual(self.account.agent_key, "rotated-key")
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(self.account.push_key, push_key, "pushes keep working")
        self.assertTrue(prefix.exists())
        self.assertEqual(prefix.warehouse_id, warehouse)
        self.assertIn("replaced", self.account.message_ids[0].body)

    def test_push_key_is_regenerated_on_request(self):
        push_key = self.account.push_key
        wizard = self._wizard(self.company, agent_key=SANDBOX_AGENT_KEY, regenerate_push_key=True)
        wizard.action_check_key()
        self.assertNotEqual(self.account.push_key, push_key)
        self.assertEqual(len(self.account.push_key), 40)

    def test_refused_new_key_keeps_the_working_connection(self):
        wizard = self._wizard(self.company, agent_key="not-a-real-key")
        wizard.action_check_key()
        self.assertIn("did not accept this Agent key", wizard.error_message)
        self.assertEqual(self.account.state, "connected")
        self.assertEqual(self.account.agent_key, SANDBOX_AGENT_KEY)

    def test_wizard_form_walks_through_the_three_steps(self):
        """Through the form view, as the shop owner clicks it."""
        wizard_model = (
            self.env["szamlazz.connect.wizard"].with_user(self.admin).with_company(self.new_company)
        )
        with Form(wizard_model) as form:
            self.assertEqual(form.step, "key")
            form.agent_key = SHOP_KEY
            form.tax_number = "12345678-2-42"
        action = form.record.action_check_key()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (wizard_model._name, form.record.id)
        )

        with Form(form.record) as company_step:
            self.assertEqual(company_step.step, "company")
            self.assertTrue(company_step.line_ids)
        company_step.record.action_apply_company_data()

        with Form(form.record) as register_step:
            self.assertEqual(register_step.step, "register")
            self.assertTrue(register_step.push_key)
            self.assertTrue(register_step.ipn_url)
        self.assertEqual(register_step.record.action_done()["type"], "ir.actions.act_window_close")

    def test_wizard_opened_from_an_account_connects_that_company(self):
        self.new_company.vat = "12345678-2-42"
        wizard = (
            self.env["szamlazz.connect.wizard"]
            .with_user(self.admin)
            # Both companies ticked in the switcher, the main one current.
            .with_context(
                allowed_company_ids=[self.company.id, self.new_company.id],
                default_company_id=self.new_company.id,
            )
            .create({"agent_key": SHOP_KEY})
        )
        self.assertEqual(wizard.tax_number, "12345678-2-42")
        wizard.action_check_key()
        self.assertEqual(self._account_of(self.new_company).state, "connected")

    def test_a_key_connected_to_another_company_is_refused(self):
        """One Számlázz.hu account in two companies would import every invoice into both
        and move the stock of both."""
        wizard = self._wizard(self.new_company, agent_key=SANDBOX_AGENT_KEY)
        wizard.action_check_key()
        self.assertEqual(wizard.step, "key")
        self.assertIn(self.company.name, wizard.error_message)
        self.assertIn("already connected", wizard.error_message)
        account = self._account_of(self.new_company)
        self.assertNotEqual(account.state, "connected")
        self.assertFalse(account.agent_key)
        with self.assertRaisesRegex(ValidationError, "already connected"):
            account.sudo().agent_key = SANDBOX_AGENT_KEY
