"""Payment reminders for overdue Számlázz.hu invoices.

Whom a reminder goes to follows Számlázz.hu's own rule for its documents: the address the
invoice itself was sent to (``alap/email``), else every address of the buyer in Odoo,
else nobody automatically (the reminder wizard asks a person for an address).
"""

import logging
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import email_normalize_all, format_amount

_logger = logging.getLogger(__name__)

# Invoices that are debts; a proforma (D) asks for money but is settled by its invoice.
REMINDER_KINDS = ("SZ", "ES", "VS", "HS", "JS")
ENABLED_PARAMETER = "innonest_szamlazz.reminder_enabled"
SCHEDULE_PARAMETER = "innonest_szamlazz.reminder_schedule"
DEFAULT_SCHEDULE = "3,10,30"
REMINDER_BATCH_SIZE = 100


def parse_schedule(text):
    """``"3, 10,30"`` → ``[3, 10, 30]``: days after the due date, each level once.

    Raises ``ValueError`` for anything but positive whole days."""
    days = sorted({int(part) for part in (text or "").replace(";", ",").split(",") if part.strip()})
    if not days or days[0] < 1:
        raise ValueError(text)
    return days


class SzamlazzInvoice(models.Model):
    _inherit = "szamlazz.invoice"

    reminder_level = fields.Integer(
        readonly=True,
        copy=False,
        help="How many steps of the reminder schedule this invoice has been through "
        "(a step is never sent twice).",
    )
    reminder_last_date = fields.Datetime(
        string="Last Reminder",
        readonly=True,
        copy=False,
        help="When the last payment reminder was sent, automatically or by hand.",
    )
    reminder_email_to = fields.Char(
        string="Reminder Recipients",
        compute="_compute_reminder_email_to",
        help="The invoice's own email address; without one, the buyer's addresses in "
        "Odoo; empty when neither exists and reminders must be sent by hand.",
    )

    @api.depends("email", "partner_id.email")
    def _compute_reminder_email_to(self):
        for invoice in self:
            invoice.reminder_email_to = invoice._reminder_recipients()

    def _reminder_recipients(self):
        """Comma-separated addresses following Számlázz.hu's rule, or ``False``."""
        self.ensure_one()
        for source in (self.email, self.partner_id.email):
            addresses = email_normalize_all(source or "")
            if addresses:
                return ",".join(addresses)
        return False

    def _send_payment_reminder(self, email_to, level=0):
        """Email the reminder to ``email_to`` and log it on the invoice.

        ``level`` is the schedule step a scheduled reminder belongs to (0: by hand)."""
        self.ensure_one()
        template = self.env.ref("innonest_szamlazz.mail_template_szamlazz_payment_reminder")
        template.sudo().send_mail(self.id, email_values={"email_to": email_to})
        amount = format_amount(self.env, self.amount_residual, self.currency_id)
        if level:
            body = _(
                "Payment reminder %(level)s sent to %(email)s: %(amount)s outstanding since "
                "%(due_date)s.",
                level=level,
                email=email_to,
                amount=amount,
                due_date=self.due_date,
            )
        else:
            body = _(
                "Payment reminder sent by %(user)s to %(email)s: %(amount)s outstanding since "
                "%(due_date)s.",
                user=self.env.user.name,
                email=email_to,
                amount=amount,
                due_date=self.due_date,
            )
        # Salespeople only read invoices; the reminder is still theirs (author stays).
        self.sudo().message_post(body=body)
        values = {"reminder_last_date": fields.Datetime.now()}
        if level > self.reminder_level:
            values["reminder_level"] = level
        self.sudo().write(values)

    def action_open_reminder_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Send Payment Reminder"),
            "res_model": "szamlazz.reminder.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_invoice_id": self.id},
        }

    # --- scheduled action -----------------------------------------------------------

    @api.model
    def _reminder_schedule(self):
        """The schedule in days, or ``[]`` when scheduled reminders are off (default:
        Számlázz.hu can send its own reminders, and a buyer should not get both)."""
        parameters = self.env["ir.config_parameter"].sudo()
        if not parameters.get_param(ENABLED_PARAMETER):
            return []
        text = parameters.get_param(SCHEDULE_PARAMETER) or DEFAULT_SCHEDULE
        try:
            return parse_schedule(text)
        except ValueError:
            _logger.warning(
                "Payment reminders skipped: %s=%r is not a list of days", SCHEDULE_PARAMETER, text
            )
            return []

    @api.model
    def _cron_send_payment_reminders(self):
        """Send every overdue invoice the schedule step it has reached and not had yet.

        An invoice that reached several steps at once (reminders were off, or the cron
        did not run) gets one reminder, for the latest step."""
        schedule = self._reminder_schedule()
        if not schedule:
            return
        today = fields.Date.context_today(self)
        candidates = self.search(
            [
                ("kind", "in", REMINDER_KINDS),
                ("state", "in", ("done", "needs_attention")),
                ("payment_state", "=", "overdue"),
                ("due_date", "<=", today - timedelta(days=schedule[0])),
                ("reminder_level", "<", len(schedule)),
            ],
            order="due_date, id",
        )
        due = [
            (invoice, level)
            for invoice in candidates
            if (
                level := sum(
                    1 for days in schedule if invoice.due_date + timedelta(days=days) <= today
                )
            )
            > invoice.reminder_level
        ]
        batch = due[:REMINDER_BATCH_SIZE]
        for invoice, level in batch:
            invoice._send_scheduled_reminder(level)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(due) - len(batch))

    def _send_scheduled_reminder(self, level):
        self.ensure_one()
        email_to = self._reminder_recipients()
        if not email_to:
            # Recorded as done for this step: a person decides, the cron does not nag daily.
            self.sudo().reminder_level = level
            self.message_post(
                body=_(
                    "Payment reminder %(level)s not sent: neither the invoice nor the buyer has "
                    "an email address. Use Send Payment Reminder to enter one.",
                    level=level,
                )
            )
            return
        try:
            with self.env.cr.savepoint():
                self._send_payment_reminder(email_to, level=level)
        except Exception as error:  # one bad invoice must not stop the others
            _logger.exception("Payment reminder for %s failed", self.number)
            self.message_post(
                body=_(
                    "Payment reminder %(level)s could not be sent: %(error)s",
                    level=level,
                    error=error,
                )
            )
