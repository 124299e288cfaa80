"""Proformas created from a partner, against the Számlázz.hu sandbox."""

from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..szamlazz_agent import AgentClient
from .common import SzamlazzCase

CREATE_ACTION = "action-xmlagentxmlfile"


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestProformaWizard(SzamlazzCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            login="proforma_user",
            name="Proforma User",
            groups="base.group_user,innonest_szamlazz.group_szamlazz_user",
        )
        hungary = cls.env.ref("base.hu")
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Vevő Bt.",
                "is_company": True,
                "vat": "87654321-2-41",
                "country_id": hungary.id,
                "zip": "6720",
                "city": "Szeged",
                "street": "Kárász utca 5.",
                "email": "penzugy@vevo.hu",
            }
        )
        cls.coffee = cls.env["product.product"].create(
            {
                "name": "Kávébab 1 kg",
                "default_code": "PF-COFFEE",
                "type": "consu",
                "is_storable": True,
                "list_price": 6990,
            }
        )
        cls.course = cls.env["product.product"].create(
            {
                "name": "Barista tanfolyam",
                "default_code": "PF-COURSE",
                "type": "service",
                "list_price": 20000,
                "szamlazz_vat_key": "TAM",
            }
        )

    def open_wizard(self, **values):
        Wizard = self.env["szamlazz.proforma.wizard"].with_user(self.user)
        return Wizard.create(
            dict(
                {
                    "partner_id": self.buyer.id,
                    "currency_id": self.env.ref("base.HUF").id,
                    "line_ids": [
                        Command.create({"product_id": self.coffee.id, "quantity": 2}),
                        Command.create({"product_id": self.course.id, "quantity": 1}),
                    ],
                },
                **values,
            )
        )

    def create_count(self):
        return self.sandbox.state()["request_counts"]["by_action"].get(CREATE_ACTION, 0)

    def query(self, number):
        return self.account._get_client().query_invoice(number=number)

    def test_proforma_carries_buyer_items_and_vat_keys(self):
        wizard = self.open_wizard()
        self.assertEqual(wizard.buyer_email, "penzugy@vevo.hu")
        self.assertEqual(
            wizard.line_ids.mapped("vat_key"),
            ["27", "TAM"],
            "a product without a key is 27%, the course is exempt",
        )

        action = wizard.action_create_proforma()

        proforma = self.env["szamlazz.invoice"].browse(action["res_id"])
        self.assertEqual(proforma.kind, "D")
        self.assertTrue(proforma.number.startswith("D-"))
        self.assertEqual(proforma.partner_id, self.buyer, "the mirror finds the buyer again")
        self.assertAlmostEqual(proforma.amount_gross, 2 * 6990 * 1.27 + 20000)
        self.assertEqual(proforma.payment_state, "not_paid")
        self.assertTrue(proforma.pdf_attachment_id, "the proforma's PDF is kept on the mirror")

        document = self.query(proforma.number)
        self.assertTrue(self.buyer.szamlazz_identifier, "an identifier was generated and stored")
        self.assertEqual(document.buyer.identifier, self.buyer.szamlazz_identifier)
        self.assertEqual(document.buyer.tax_number, "87654321-2-41")
        self.assertEqual(document.buyer.email, "penzugy@vevo.hu")
        address = document.buyer.address
        self.assertEqual((address.zip, address.city), ("6720", "Szeged"))
        self.assertFalse(address.country, "Hungarian buyers carry no country")
        self.assertEqual([item.identifier for item in document.items], ["PF-COFFEE", "PF-COURSE"])
        self.assertEqual([item.vat_type for item in document.items], [None, "TAM"])
        self.assertEqual(document.currency, "HUF")
        self.assertIsNone(document.exchange_bank, "no exchange rate on a forint proforma")

        message = self.buyer.message_ids.filtered(lambda m: proforma.number in (m.body or ""))
        self.assertEqual(
            message.attachment_ids.mapped("name"),
            ["%s.pdf" % proforma.number],
            "the salesperson finds the PDF in the buyer's chatter",
        )

    def test_chosen_prefix_and_bank_account_are_on_the_proforma(self):
        web = (
            self.env["szamlazz.prefix"]
            .sudo()
            .create({"account_id": self.account.id, "name": "WEB"})
        )
        bank_account = (
            self.env["res.partner.bank"]
            .sudo()
            .create(
                {
                    "partner_id": self.company.partner_id.id,
                    "acc_number": "11773016-11111018-00000000",
                }
            )
        )
        wizard = self.open_wizard(prefix_id=web.id, bank_account_id=bank_account.id)
        proforma = self.env["szamlazz.invoice"].browse(wizard.action_create_proforma()["res_id"])
        self.assertTrue(proforma.number.startswith("D-WEB-"), proforma.number)
        document = self.query(proforma.number)
        self.assertEqual(document.seller.bank_account, "11773016-11111018-00000000")

    def test_foreign_currency_asks_for_the_mnb_rate(self):
        euro = self.env.ref("base.EUR")
        euro.active = True
        wizard = self.open_wizard(currency_id=euro.id, language="en")
        proforma = self.env["szamlazz.invoice"].browse(wizard.action_create_proforma()["res_id"])
        document = self.query(proforma.number)
        self.assertEqual((document.currency, document.language), ("EUR", "en"))
        self.assertEqual(document.exchange_bank, "MNB")
        self.assertFalse(document.exchange_rate, "Számlázz.hu applies MNB's rate of the day")

    def test_second_click_creates_no_second_proforma(self):
        wizard = self.open_wizard()
        first = wizard.action_create_proforma()
        second = wizard.action_create_proforma()
        self.assertEqual(first["res_id"], second["res_id"])
        self.assertEqual(self.create_count(), 1, "one create request reached Számlázz.hu")
        self.assertEqual(self.env["szamlazz.invoice"].search_count([("kind", "=", "D")]), 1)

    def test_buyer_identifier_is_never_another_partners(self):
        taken = self.env["res.partner"].create(
            {"name": "Másik Kft.", "szamlazz_identifier": "VEVO-1"}
        )
        wizard = self.open_wizard()
        wizard.action_create_proforma()
        self.assertNotEqual(self.buyer.szamlazz_identifier, taken.szamlazz_identifier)
        with self.assertRaises(ValidationError):
            self.buyer.szamlazz_identifier = "VEVO-1"

    def test_errors_speak_the_salespersons_language(self):
        wizard = self.open_wizard()

        self.account.sudo().agent_key = "not-the-key"
        with self.assertRaisesRegex(UserError, "did not accept this company's Agent key"):
            wizard.action_create_proforma()
        self.account.sudo().agent_key = "sandbox-demo-key"

        self.sandbox.control("POST", "faults", {"kind": "maintenance", "times": 10})
        with (
            patch.object(AgentClient, "_sleep"),
            self.assertRaisesRegex(UserError, "under maintenance"),
        ):
            wizard.action_create_proforma()
        self.sandbox.control("DELETE", "faults")

        prefix = (
            self.env["szamlazz.prefix"]
            .sudo()
            .create({"account_id": self.account.id, "name": "NOPE"})
        )
        wizard.prefix_id = prefix
        with self.assertRaisesRegex(UserError, "refused the data"):
            wizard.action_create_proforma()

        self.assertFalse(self.env["szamlazz.invoice"].search([("kind", "=", "D")]))
        self.assertFalse(wizard.proforma_id)
