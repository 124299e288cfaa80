"""Payments recorded from Odoo reach Számlázz.hu exactly once (sandbox)."""

import threading
import time
from datetime import date, timedelta
from decimal import Decimal

from odoo import SUPERUSER_ID, api, fields
from odoo.service.model import retrying
from odoo.tests import TransactionCase, new_test_user, tagged

from ..szamlazz_agent import CreditEntryRequest, PaymentRequest
from .common import SANDBOX_AGENT_KEY, SandboxProcess, SzamlazzCase

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
        self.invoice = self.env["szamlazz.invoice"]._receive_xml(self.account, xml, "pull")
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

    def test_a_payment_registered_meanwhile_is_told_before_a_second_is_sent(self):
        """Two people open the wizard for the same payment; the first registers it. The
        second click is told so and sends nothing; clicking again sends the second."""
        later = self.open_wizard(500)
        self.open_wizard(500).action_register()

        answer = later.action_register()
        self.assertIn("carried out after all; nothing was sent now", answer["params"]["message"])
        self.assertEqual(self.credit_entries(), 1)

        later.action_register()
        self.assertEqual(self.credit_entries(), 2, "asked again: this one is sent as well")
        self.assertAlmostEqual(self.invoice.amount_paid, 1000)

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


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestPaymentMeetsAPush(TransactionCase):
    """Register Payment while Számlázz.hu's push of the same invoice is stored: before,
    the wizard's transaction met the push's change, Odoo retried the click, and the retry
    registered the payment a second time (or the user saw "Oops"). Real transactions:
    the click runs where Odoo runs it, with its commits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = SandboxProcess().start()
        cls.addClassCleanup(cls.sandbox.stop)

    def setUp(self):
        super().setUp()
        self.sandbox.reset()
        number = self.sandbox.issue(
            kind="SZ",
            buyer={"name": "Fizető Kft.", "zip": "1111", "city": "Budapest", "street": "Fő u. 1."},
            items=[{"name": "Kávébab", "quantity": 1, "net_unit_price": 1000, "vat_rate": "27"}],
        )["number"]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            if env["szamlazz.account"].search_count([("company_id", "=", company.id)]):
                self.skipTest("the main company has a committed Számlázz.hu account")
            account = env["szamlazz.account"].create(
                {
                    "company_id": company.id,
                    "agent_key": SANDBOX_AGENT_KEY,
                    "agent_url": self.sandbox.agent_url,
                    "state": "connected",
                }
            )
            xml = account._get_client().query_invoice(number=number).raw
            invoice = env["szamlazz.invoice"]._receive_xml(account, xml, "pull")
            invoice._process()
            self.ids = {"account": account.id, "invoice": invoice.id}
        self.addCleanup(self._remove)

    def _remove(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["szamlazz.agent.write"].search([("account_id", "=", self.ids["account"])]).unlink()
            env["szamlazz.payment.wizard"].search(
                [("invoice_id", "=", self.ids["invoice"])]
            ).unlink()
            env["szamlazz.invoice"].browse(self.ids["invoice"]).unlink()
            env["szamlazz.account"].browse(self.ids["account"]).unlink()

    def test_the_click_that_met_a_push_registers_once_and_says_so(self):
        self.sandbox.control("POST", "faults", {"kind": "latency", "seconds": 1.5})
        answers = []
        # The environment is made here: making one takes the registry's lock, which the
        # test runner holds; the click itself runs in its own thread, as in a worker.
        click_cr = self.registry.cursor()
        self.addCleanup(click_cr.close)
        env = api.Environment(click_cr, SUPERUSER_ID, {})
        wizard = env["szamlazz.payment.wizard"].create(
            {"invoice_id": self.ids["invoice"], "amount": 500}
        )
        click_cr.commit()

        def click():
            answers.append(retrying(wizard.action_register, env))
            click_cr.commit()

        clicked = threading.Thread(target=click)
        clicked.start()
        time.sleep(0.7)  # the credit entry is on its way to Számlázz.hu
        with self.registry.cursor() as cr:
            # Számlázz.hu's push of the invoice is stored meanwhile.
            push_env = api.Environment(cr, SUPERUSER_ID, {})
            push_env["szamlazz.invoice"].browse(self.ids["invoice"]).write({"note": "pushed"})
        clicked.join(60)

        self.assertEqual(len(answers), 1, "the click ended with an answer, not an error")
        self.assertEqual(answers[0]["tag"], "display_notification")
        credit_entries = self.sandbox.state()["request_counts"]["by_action"][CREDIT_ENTRY_ACTION]
        self.assertEqual(credit_entries, 1)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            invoice = env["szamlazz.invoice"].browse(self.ids["invoice"])
            notes = invoice.message_ids.filtered(lambda m: "recorded a payment" in (m.body or ""))
            self.assertEqual(len(notes), 1, "who recorded it is kept, once")
            self.assertAlmostEqual(invoice.amount_paid, 500)

    def test_two_clicks_at_once_register_once(self):
        """Click B's request began before click A recorded its credit entry (its snapshot
        does not show it) and reaches the invoice while A waits for Számlázz.hu: B must not
        send a second one (before, two clicks registered 10 000 for a 5 000 payment)."""
        self.sandbox.control("POST", "faults", {"kind": "latency", "seconds": 1.5})
        first_cr, second_cr = self.registry.cursor(), self.registry.cursor()
        self.addCleanup(first_cr.close)
        self.addCleanup(second_cr.close)
        first_env = api.Environment(first_cr, SUPERUSER_ID, {})
        second_env = api.Environment(second_cr, SUPERUSER_ID, {})
        Wizard = first_env["szamlazz.payment.wizard"]
        first = Wizard.create({"invoice_id": self.ids["invoice"], "amount": 500})
        second = Wizard.create({"invoice_id": self.ids["invoice"], "amount": 500})
        first_cr.commit()
        second_cr.execute("SELECT 1")  # the second click's request has begun
        answers = []

        def first_click():
            answers.append(retrying(first.action_register, first_env))
            first_cr.commit()

        clicked = threading.Thread(target=first_click)
        clicked.start()
        time.sleep(0.7)  # the first credit entry is on its way to Számlázz.hu
        second_answer = retrying(
            second_env["szamlazz.payment.wizard"].browse(second.id).action_register, second_env
        )
        second_cr.commit()
        clicked.join(60)

        # Which of the two it is depends on whether Odoo's retry of the second click came
        # before or after the first answer: either way it says nothing was sent.
        self.assertRegex(
            second_answer["params"]["message"],
            "still being checked.*nothing was sent now|carried out after all; nothing was sent",
        )
        credit_entries = self.sandbox.state()["request_counts"]["by_action"][CREDIT_ENTRY_ACTION]
        self.assertEqual(credit_entries, 1)
        self.assertEqual(len(answers), 1)
