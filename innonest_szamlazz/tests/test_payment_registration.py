"""Payments recorded from Odoo reach Számlázz.hu exactly once (sandbox)."""

from datetime import date, timedelta
from decimal import Decimal

from odoo import fields
from odoo.tests import new_test_user, tagged

from ..szamlazz_agent import CreditEntryRequest, PaymentRequest
from .common import SzamlazzCase

CREDIT_ENTRY_ACTION = "action-szamla_agent_kifiz"


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestPaymentRegistration(SzamlazzCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="payment_manager",
            name="Pénzügy Péter",
            groups="base.group_user,innonest_szamlazz.group_szamlazz_manager",
        )

    def setUp(self):
        super().setUp()
        number = self.sandbox.issue(
            kind="SZ",
            buyer={
                "name": "Fizető Kft.",
                "zip": "1111",
                "city": "Budapest",
                "street": "Fő utca 1.",
            },
            items=[{"name": "Kávébab", "quantity": 1, "net_unit_price": 1000, "vat_rate": "27"}],
        )["number"]
        xml = self.account._get_client().query_invoice(number=number).raw
        self.invoice, _document = self.env["szamlazz.invoice"]._store_document(
            self.account, xml, "pull"
        )
        self.invoice._process()

    def open_wizard(self, amount):
        return (
            self.env["szamlazz.payment.wizard"]
            .with_user(self.manager)
            .create({"invoice_id": self.invoice.id, "amount": amount})
        )

    def credit_entries(self):
        return self.sandbox.state()["request_counts"]["by_action"].get(CREDIT_ENTRY_ACTION, 0)

    def test_payment_is_recorded_once_however_often_clicked(self):
        wizard = self.open_wizard(500)
        wizard.action_register()
        wizard.action_register()

        self.assertEqual(self.credit_entries(), 1)
        self.assertAlmostEqual(self.invoice.amount_paid, 500)
        self.assertAlmostEqual(self.invoice.amount_residual, 770)
        self.assertEqual(self.invoice.payment_state, "partial")
        self.assertEqual(
            len(self.invoice.message_ids.filtered(lambda m: "Pénzügy Péter recorded" in m.body)),
            1,
            "the chatter says once who recorded the payment",
        )

    def test_payment_whose_answer_was_lost_is_not_sent_again(self):
        """The credit entry reached Számlázz.hu, then the worker died (the write is on
        record, its answer is not): a new click asks first and sends nothing."""
        write = self.env["szamlazz.agent.write"]._begin(
            {
                "kind": "credit_entry",
                "account_id": self.account.id,
                "res_model": self.invoice._name,
                "res_id": self.invoice.id,
                "invoice_id": self.invoice.id,
                "currency_id": self.invoice.currency_id.id,
                "amount": 300,
                "payment_date": date.today(),
                "payment_method": "átutalás",
            }
        )
        self.account._get_client().register_payment(
            CreditEntryRequest(
                number=self.invoice.number,
                payments=[
                    PaymentRequest(
                        date=date.today(),
                        title="átutalás",
                        amount=Decimal(300),
                        note=write._payment_note(),
                    )
                ],
            )
        )

        self.open_wizard(300).action_register()
        self.assertEqual(self.credit_entries(), 1, "only the lost attempt reached Számlázz.hu")

        write.settle_date = fields.Datetime.now() - timedelta(seconds=1)
        self.env["szamlazz.agent.write"]._cron_check_writes()
        self.assertEqual(write.state, "done")
        self.assertAlmostEqual(self.invoice.amount_paid, 300, msg="counted once, not twice")
        self.assertEqual(self.credit_entries(), 1)
