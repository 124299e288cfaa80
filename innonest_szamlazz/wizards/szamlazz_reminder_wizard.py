from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize_all


class SzamlazzReminderWizard(models.TransientModel):
    """Send one payment reminder by hand, to the address Számlázz.hu's rule gives or,
    when the invoice and the buyer have none, to the address the user enters."""

    _name = "szamlazz.reminder.wizard"
    _description = "Send a Számlázz.hu Payment Reminder"

    invoice_id = fields.Many2one("szamlazz.invoice", required=True, readonly=True)
    known_email_to = fields.Char(related="invoice_id.reminder_email_to")
    email_to = fields.Char(
        string="Send To",
        compute="_compute_email_to",
        store=True,
        readonly=False,
        required=True,
        help="Several addresses are separated by commas.",
    )
    amount_residual = fields.Monetary(related="invoice_id.amount_residual")
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    due_date = fields.Date(related="invoice_id.due_date")

    @api.depends("invoice_id")
    def _compute_email_to(self):
        for wizard in self:
            wizard.email_to = wizard.invoice_id.reminder_email_to

    def action_send(self):
        self.ensure_one()
        addresses = email_normalize_all(self.email_to or "")
        if not addresses:
            raise UserError(_("Enter at least one valid email address."))
        if self.invoice_id.amount_residual <= 0:
            raise UserError(
                _("Invoice %s is paid: there is nothing to remind of.", self.invoice_id.number)
            )
        self.invoice_id._send_payment_reminder(",".join(addresses))
        return {"type": "ir.actions.act_window_close"}
