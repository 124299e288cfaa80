"""Writes to a Számlázz.hu that does not deduplicate and may answer late: each is sent
once, whatever the user clicks, and what happened is found out afterwards.

The sandbox issues a second document for a repeated external id and does the work of a
slow request after the client stopped waiting, as the real service does. Its order-number
repetition guard is switched off here, so only Odoo stands between a click and a duplicate.
"""

import time
from datetime import timedelta
from decimal import Decimal

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..szamlazz_agent import CreditEntryRequest, PaymentRequest
from .common import SANDBOX_AGENT_KEY, SzamlazzCase

CREATE = "action-xmlagentxmlfile"
CREDIT_ENTRY = "action-szamla_agent_kifiz"
READ_TIMEOUT = 1
LATE_BY = 3  # seconds the sandbox takes for a slow request: more than the read timeout


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestUnansweredWrites(SzamlazzCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            login="write_user",
            name="Írás Ilona",
            groups="base.group_user,innonest_szamlazz.group_szamlazz_manager",
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": "Lassú Vevő Kft.",
                "is_company": True,
                "vat": "87654321-2-41",
                "country_id": cls.env.ref("base.hu").id,
                "zip": "6720",
                "city": "Szeged",
                "street": "Kárász utca 5.",
            }
        )
        cls.course = cls.env["product.product"].create(
            {
                "name": "Tanfolyam",
                "default_code": "W-COURSE",
                "type": "service",
                "list_price": 5000,
                "szamlazz_vat_key": "TAM",
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "innonest_szamlazz.agent_read_timeout", str(READ_TIMEOUT)
        )

    def setUp(self):
        super().setUp()
        self.sandbox.control(
            "POST",
            "accounts",
            {"agent_key": SANDBOX_AGENT_KEY, "forbid_order_number_repetition": False},
        )

    # -- helpers ---------------------------------------------------------------------

    def sent(self, action):
        return self.sandbox.state()["request_counts"]["by_action"].get(action, 0)

    def sandbox_documents(self, kind):
        return [d for d in self.sandbox.state()["documents"] if d["kind"] == kind]

    def wait_until_sandbox_has(self, kind, count=1):
        """The slow request is done at the sandbox some seconds after Odoo gave up on it."""
        deadline = time.monotonic() + LATE_BY + 10
        while len(self.sandbox_documents(kind)) < count and time.monotonic() < deadline:
            time.sleep(0.2)

    def late(self):
        self.sandbox.control("POST", "faults", {"kind": "latency", "seconds": LATE_BY})

    def proforma_wizard(self):
        return (
            self.env["szamlazz.proforma.wizard"]
            .with_user(self.user)
            .create(
                {
                    "partner_id": self.buyer.id,
                    "currency_id": self.env.ref("base.HUF").id,
                    "line_ids": [Command.create({"product_id": self.course.id, "quantity": 1})],
                }
            )
        )

    def writes(self, kind):
        return self.env["szamlazz.agent.write"].search([("kind", "=", kind)])

    def assert_notified(self, action, text):
        self.assertEqual(action["tag"], "display_notification", action)
        self.assertIn(text, action["params"]["message"])

    def settle(self, write):
        """What the check sees once the settle time is over."""
        write.settle_date = fields.Datetime.now() - timedelta(seconds=1)

    def check_twice_after_the_settle_time(self, write):
        """A first "not found" after the settle time is confirmed by a second check a
        minute later before it counts."""
        self.settle(write)
        Write = self.env["szamlazz.agent.write"]
        Write._cron_check_writes()
        self.assertEqual(write.state, "outcome_unknown", "one miss is not enough")
        self.assertTrue(write.first_miss_date)
        write.first_miss_date = fields.Datetime.now() - timedelta(seconds=61)
        Write._cron_check_writes()

    # -- proformas -------------------------------------------------------------------

    def test_proforma_slower_than_the_read_timeout_is_created_once(self):
        wizard = self.proforma_wizard()
        self.late()

        action = wizard.action_create_proforma()

        self.assert_notified(action, "has not answered whether it created the proforma")
        write = self.writes("proforma")
        self.assertEqual(write.state, "outcome_unknown")
        self.assertTrue(write.external_id and write.order_number.startswith("PRO-"))
        self.assertEqual(wizard.order_number, write.order_number, "committed before sending")
        # The user clicks again, on the same wizard and on a new one: nothing is sent.
        self.assert_notified(wizard.action_create_proforma(), "nothing is sent again")
        self.assert_notified(self.proforma_wizard().action_create_proforma(), "still being checked")

        self.wait_until_sandbox_has("D")
        self.assertEqual(self.sent(CREATE), 1, "the clicks meanwhile sent nothing")
        self.env["szamlazz.agent.write"]._cron_check_writes()

        self.assertEqual(write.state, "done")
        proforma = write.invoice_id
        self.assertEqual((proforma.kind, proforma.order_number), ("D", write.order_number))
        self.assertEqual(proforma.partner_id, self.buyer)
        self.assertIn(proforma.number, self.buyer.message_ids[0].body, "announced to the buyer")
        again = wizard.action_create_proforma()
        self.assertEqual((again["res_model"], again["res_id"]), ("szamlazz.invoice", proforma.id))
        self.assertEqual(self.sent(CREATE), 1)
        self.assertEqual(len(self.sandbox_documents("D")), 1, "exactly one proforma")

    def test_check_before_the_settle_time_never_gives_up(self):
        """A create that is still running at Számlázz.hu is not found yet: the write waits."""
        wizard = self.proforma_wizard()
        self.sandbox.control("POST", "faults", {"kind": "latency", "seconds": LATE_BY + 3})
        wizard.action_create_proforma()
        write = self.writes("proforma")
        self.env["szamlazz.agent.write"]._cron_check_writes()
        self.assertEqual(write.state, "outcome_unknown", "not found yet, and not given up")
        self.assertTrue(write.last_check_date)
        self.wait_until_sandbox_has("D")
        self.env["szamlazz.agent.write"]._cron_check_writes()
        self.assertEqual(write.state, "done")
        self.assertEqual(len(self.sandbox_documents("D")), 1)

    def test_proforma_not_created_may_be_sent_again_after_the_settle_time(self):
        """An HTTP 503 may come from a proxy while Számlázz.hu works on: Odoo cannot tell.
        Once Számlázz.hu has surely finished and shows nothing, the user may send again."""
        wizard = self.proforma_wizard()
        self.sandbox.control("POST", "faults", {"kind": "http_error", "status": 503})
        self.assert_notified(wizard.action_create_proforma(), "has not answered")
        write = self.writes("proforma")
        self.env["szamlazz.agent.write"]._cron_check_writes()
        self.assertEqual(write.state, "outcome_unknown")

        self.check_twice_after_the_settle_time(write)
        self.assertEqual(write.state, "not_done")
        self.assertIn("did not create the proforma", self.buyer.message_ids[0].body)

        action = wizard.action_create_proforma()
        self.assertEqual(action["res_model"], "szamlazz.invoice")
        self.assertEqual(self.sent(CREATE), 2)
        self.assertEqual(len(self.sandbox_documents("D")), 1)
        self.assertNotEqual(self.writes("proforma")[0].external_id, write.external_id)

    def test_a_write_left_sending_by_a_crashed_worker_is_found_not_resent(self):
        """The worker died after the request left (it is on record, not its answer)."""
        wizard = self.proforma_wizard()
        wizard.order_number = "CRASH-1"
        write = self.env["szamlazz.agent.write"]._begin(
            {
                "kind": "proforma",
                "account_id": self.account.id,
                "res_model": "res.partner",
                "res_id": self.buyer.id,
                "partner_id": self.buyer.id,
                "order_number": "CRASH-1",
                "currency_id": self.env.ref("base.HUF").id,
                "amount": 5000,
            }
        )
        self.account._get_client().create_invoice(wizard._invoice_request(write.external_id))

        self.assert_notified(self.proforma_wizard().action_create_proforma(), "still being checked")
        self.env["szamlazz.agent.write"]._cron_check_writes()
        self.assertEqual(write.state, "sending", "its worker may still be waiting")
        self.settle(write)
        self.env["szamlazz.agent.write"]._cron_check_writes()
        self.assertEqual(write.state, "done")
        self.assertEqual(write.invoice_id.order_number, "CRASH-1")
        self.assertEqual(self.sent(CREATE), 1)

    def test_found_by_order_number_when_the_external_id_finds_nothing(self):
        write = self.env["szamlazz.agent.write"]._begin(
            {
                "kind": "proforma",
                "account_id": self.account.id,
                "res_model": "res.partner",
                "res_id": self.buyer.id,
                "order_number": "ORD-ONLY-1",
                "currency_id": self.env.ref("base.HUF").id,
                "amount": 5000,
            }
        )
        write._set_outcome_unknown("no answer")
        self.sandbox.issue(
            kind="D",
            order_number="ORD-ONLY-1",
            items=[{"name": "Tanfolyam", "quantity": 1, "net_unit_price": 5000, "vat_rate": "TAM"}],
            buyer={"name": "Lassú Vevő Kft.", "zip": "6720", "city": "Szeged", "street": "x"},
        )
        self.env["szamlazz.agent.write"]._cron_check_writes()
        self.assertEqual(write.state, "done")
        self.assertEqual(write.invoice_id.order_number, "ORD-ONLY-1")

    def test_a_proforma_paid_before_the_check_is_found_as_its_invoice(self):
        """The buyer paid the e-mailed proforma while Odoo could not ask: the proforma is
        gone at Számlázz.hu (7 by its external id) and its invoice answers the order number.
        That is "created", not "not created, send again"."""
        wizard = self.proforma_wizard()
        self.late()
        wizard.action_create_proforma()
        write = self.writes("proforma")
        self.wait_until_sandbox_has("D")
        [proforma] = self.sandbox_documents("D")
        paid = self.sandbox.control(
            "POST", "documents/%s/pay" % proforma["number"], {"agent_key": SANDBOX_AGENT_KEY}
        )
        self.settle(write)
        self.env["szamlazz.agent.write"]._cron_check_writes()
        self.assertEqual(write.state, "done")
        self.assertEqual(write.document_number, proforma["number"])
        invoice = self.env["szamlazz.invoice"].search([("number", "=", paid["number"])])
        self.assertEqual(invoice.proforma_number, proforma["number"])
        self.assertEqual(self.sent(CREATE), 1)

    def test_refused_proforma_is_not_carried_out_and_says_why(self):
        prefix = (
            self.env["szamlazz.prefix"]
            .sudo()
            .create({"account_id": self.account.id, "name": "NOPE"})
        )
        wizard = self.proforma_wizard()
        wizard.prefix_id = prefix
        with self.assertRaisesRegex(UserError, "refused the data"):
            wizard.action_create_proforma()
        write = self.writes("proforma")
        self.assertEqual(write.state, "not_done")
        self.assertIn("202", write.reason)

    # -- credit entries --------------------------------------------------------------

    def unpaid_invoice(self, gross_items=1):
        number = self.sandbox.issue(
            kind="SZ",
            buyer={"name": "Fizető Kft.", "zip": "1111", "city": "Budapest", "street": "Fő u. 1."},
            items=[
                {
                    "name": "Tanfolyam",
                    "quantity": gross_items,
                    "net_unit_price": 5000,
                    "vat_rate": "TAM",
                }
            ],
        )["number"]
        xml = self.account._get_client().query_invoice(number=number).raw
        invoice = self.env["szamlazz.invoice"]._receive_xml(self.account, xml, "pull")
        invoice._process()
        return invoice

    def payment_wizard(self, invoice, amount):
        return (
            self.env["szamlazz.payment.wizard"]
            .with_user(self.user)
            .create({"invoice_id": invoice.id, "amount": amount})
        )

    def test_late_credit_entry_is_registered_once(self):
        """Measured before: 65 s of latency and a second click registered 10 000 for a
        5 000 payment. Now the second click asks Számlázz.hu and sends nothing."""
        invoice = self.unpaid_invoice(gross_items=2)
        self.late()

        action = self.payment_wizard(invoice, 5000).action_register()

        self.assert_notified(action, "whether it registered the payment")
        write = self.writes("credit_entry")
        self.assertEqual(write.state, "outcome_unknown")
        self.assertTrue(invoice.pending_write_message, "the invoice shows it is being checked")
        # A second wizard while Számlázz.hu is still at it: checked, nothing sent.
        self.assert_notified(
            self.payment_wizard(invoice, 5000).action_register(), "still being checked"
        )

        time.sleep(LATE_BY)
        self.assertEqual(self.sent(CREDIT_ENTRY), 1, "the click meanwhile sent nothing")
        action = self.payment_wizard(invoice, 5000).action_register()

        self.assert_notified(action, "was carried out after all; nothing was sent now")
        self.assertEqual(write.state, "done")
        self.assertEqual(self.sent(CREDIT_ENTRY), 1)
        at_szamlazz = self.account._get_client().query_invoice(number=invoice.number)
        self.assertEqual(at_szamlazz.paid_amount, 5000, "5 000 paid, not 10 000")
        self.assertAlmostEqual(invoice.amount_paid, 5000)
        self.assertTrue(
            any("although it did not answer" in body for body in invoice.message_ids.mapped("body"))
        )
        self.assertFalse(invoice.pending_write_message)

    def test_a_credit_entry_is_found_even_if_its_note_did_not_survive(self):
        """Whether Számlázz.hu keeps a credit entry's note in what it answers is not
        documented: a payment of the entry's date and amount that was not there before is
        the entry, mark or no mark."""
        invoice = self.unpaid_invoice(gross_items=2)
        write = self.env["szamlazz.agent.write"]._begin(
            {
                "kind": "credit_entry",
                "account_id": self.account.id,
                "res_model": invoice._name,
                "res_id": invoice.id,
                "invoice_id": invoice.id,
                "currency_id": invoice.currency_id.id,
                "amount": 5000,
                "payment_date": fields.Date.today(),
                "payment_method": "átutalás",
                "payments_before": [],
            }
        )
        self.account._get_client().register_payment(
            CreditEntryRequest(
                number=invoice.number,
                payments=[PaymentRequest(fields.Date.today(), "átutalás", Decimal(5000))],
            )
        )
        self.settle(write)
        self.env["szamlazz.agent.write"]._cron_check_writes()
        self.assertEqual(write.state, "done")
        self.assertEqual(self.sent(CREDIT_ENTRY), 1)

    def test_credit_entry_not_registered_is_said_and_may_be_sent_again(self):
        invoice = self.unpaid_invoice()
        self.sandbox.control("POST", "faults", {"kind": "http_error", "status": 502})
        self.payment_wizard(invoice, 5000).action_register()
        write = self.writes("credit_entry")
        self.check_twice_after_the_settle_time(write)
        self.assertEqual(write.state, "not_done")
        self.assertIn("did not register the payment", invoice.message_ids[0].body)

        self.payment_wizard(invoice, 5000).action_register()
        self.assertEqual(self.sent(CREDIT_ENTRY), 2)
        self.assertAlmostEqual(invoice.amount_paid, 5000)
        self.assertEqual(self.writes("credit_entry")[0].state, "done")
