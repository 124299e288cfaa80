"""Payment status and payment reminders of invoices issued at Számlázz.hu (sandbox)."""

from datetime import date, timedelta

from freezegun import freeze_time
from odoo.tests import Form, new_test_user, tagged

from .common import SzamlazzCase


@tagged("post_install", "-at_install", "innonest_szamlazz")
class TestPaymentReminders(SzamlazzCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            login="reminder_user",
            name="Reminder User",
            groups="base.group_user,innonest_szamlazz.group_szamlazz_user",
        )
        Partner = cls.env["res.partner"]
        cls.with_emails = Partner.create(
            {
                "name": "Két Címes Kft.",
                "is_company": True,
                "szamlazz_identifier": "REM-TWO",
                "email": "konyveles@ketcimes.hu, vezeto@ketcimes.hu",
            }
        )
        cls.without_email = Partner.create(
            {
                "name": "Címtelen Bt.",
                "is_company": True,
                "szamlazz_identifier": "REM-NONE",
            }
        )
        # Invoices issued in the sandbox are due in 8 days.
        cls.due_date = date.today() + timedelta(days=8)

    def issue_invoice(self, partner, email=None, paid=False, gross_items=1):
        document = self.sandbox.issue(
            kind="SZ",
            email=email,
            paid=paid,
            buyer={
                "name": partner.name,
                "zip": "1111",
                "city": "Budapest",
                "street": "Fő utca 1.",
                "identifier": partner.szamlazz_identifier,
            },
            items=[
                {
                    "name": "Kávébab",
                    "quantity": gross_items,
                    "net_unit_price": 1000,
                    "vat_rate": "27",
                }
            ],
        )
        client = self.account._get_client()
        xml = client.query_invoice(number=document["number"]).raw
        invoice = self.env["szamlazz.invoice"]._receive_xml(self.account, xml, "pull")
        invoice._process()
        self.assertEqual(invoice.partner_id, partner)
        return invoice

    def reminder_mails(self, invoice):
        return self.env["mail.mail"].search(
            [("model", "=", "szamlazz.invoice"), ("res_id", "=", invoice.id)]
        )

    def run_reminders(self, days_after_due):
        with freeze_time(self.due_date + timedelta(days=days_after_due)):
            self.env["szamlazz.invoice"].invalidate_model(["payment_state"])
            self.env["szamlazz.invoice"]._cron_send_payment_reminders()

    def switch_reminders_on(self, schedule="3,10,30"):
        settings = self.env["res.config.settings"].create(
            {"szamlazz_reminder_enabled": True, "szamlazz_reminder_schedule": schedule}
        )
        settings.execute()

    def test_recipient_follows_szamlazz_email_rule(self):
        invoice_email = self.issue_invoice(self.with_emails, email="szamla@ketcimes.hu")
        partner_emails = self.issue_invoice(self.with_emails)
        no_email = self.issue_invoice(self.without_email)

        self.assertEqual(
            invoice_email.reminder_email_to,
            "szamla@ketcimes.hu",
            "the address the invoice itself went to comes first",
        )
        self.assertEqual(
            partner_emails.reminder_email_to,
            "konyveles@ketcimes.hu,vezeto@ketcimes.hu",
            "without one, every address of the buyer",
        )
        self.assertFalse(no_email.reminder_email_to)

        wizard = Form(
            self.env["szamlazz.reminder.wizard"]
            .with_user(self.user)
            .with_context(default_invoice_id=no_email.id)
        )
        self.assertFalse(wizard.email_to, "the wizard asks for an address")
        wizard.email_to = "tulajdonos@cimtelen.hu"
        wizard.save().action_send()
        mail = self.reminder_mails(no_email)
        self.assertEqual(mail.email_to, "tulajdonos@cimtelen.hu")
        self.assertIn(no_email.number, mail.subject)
        self.assertTrue(no_email.reminder_last_date)
        self.assertIn("Reminder User", no_email.message_ids[0].body)

    def test_scheduled_reminders_are_off_by_default(self):
        invoice = self.issue_invoice(self.with_emails, email="szamla@ketcimes.hu")
        self.run_reminders(days_after_due=40)
        self.assertFalse(self.reminder_mails(invoice))
        self.assertEqual(invoice.reminder_level, 0)

    def test_each_schedule_step_is_sent_once(self):
        self.switch_reminders_on("3,10,30")
        invoice = self.issue_invoice(self.with_emails, email="szamla@ketcimes.hu")
        paid = self.issue_invoice(self.with_emails, paid=True)
        no_email = self.issue_invoice(self.without_email)

        self.run_reminders(days_after_due=2)
        self.assertFalse(self.reminder_mails(invoice), "not yet: the first step is day 3")

        self.run_reminders(days_after_due=3)
        self.run_reminders(days_after_due=4)
        self.assertEqual(len(self.reminder_mails(invoice)), 1, "step 1 went out once")
        self.assertEqual(self.reminder_mails(invoice).email_to, "szamla@ketcimes.hu")
        self.assertEqual(invoice.reminder_level, 1)
        self.assertIn("Payment reminder 1 sent", invoice.message_ids[0].body)

        self.run_reminders(days_after_due=11)
        self.run_reminders(days_after_due=12)
        self.assertEqual(len(self.reminder_mails(invoice)), 2, "step 2 went out once")
        self.assertEqual(invoice.reminder_level, 2)

        self.assertFalse(self.reminder_mails(paid), "a paid invoice is never reminded")
        self.assertFalse(self.reminder_mails(no_email))
        self.assertIn(
            "not sent", no_email.message_ids[0].body, "the invoice tells why nobody was reminded"
        )
        self.assertEqual(
            len(no_email.message_ids.filtered(lambda m: "not sent" in (m.body or ""))),
            2,
            "one note per step, not one per day",
        )

    def test_a_late_start_sends_one_reminder_for_the_latest_step(self):
        invoice = self.issue_invoice(self.with_emails, email="szamla@ketcimes.hu")
        self.switch_reminders_on("3,10,30")
        self.run_reminders(days_after_due=15)
        self.assertEqual(len(self.reminder_mails(invoice)), 1)
        self.assertEqual(invoice.reminder_level, 2)

    def test_payment_status_and_outstanding_on_the_partner(self):
        unpaid = self.issue_invoice(self.with_emails)
        partial = self.issue_invoice(self.with_emails, gross_items=2)
        paid = self.issue_invoice(self.with_emails, paid=True)
        self.sandbox.control(
            "POST",
            "documents/%s/pay" % partial.number,
            {"agent_key": "sandbox-demo-key", "amount": 1000},
        )
        client = self.account._get_client()
        self.env["szamlazz.invoice"]._store_document(
            self.account, client.query_invoice(number=partial.number), "requery"
        )
        partial._process()

        self.assertEqual(unpaid.payment_state, "not_paid")
        self.assertEqual(partial.payment_state, "partial")
        self.assertAlmostEqual(partial.amount_residual, 2540 - 1000)
        self.assertEqual(paid.payment_state, "paid")
        self.assertEqual(paid.amount_residual, 0)

        partner = self.with_emails.with_user(self.user)
        self.assertAlmostEqual(partner.szamlazz_amount_outstanding, 1270 + 1540)
        self.assertEqual(partner.szamlazz_overdue_count, 0)

        with freeze_time(self.due_date + timedelta(days=1)):
            self.env.invalidate_all()
            self.assertEqual(unpaid.payment_state, "overdue")
            self.assertEqual(partner.szamlazz_overdue_count, 2)
            overdue = self.env["szamlazz.invoice"].search([("payment_state", "=", "overdue")])
            self.assertEqual(overdue, unpaid | partial)
