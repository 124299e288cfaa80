from decimal import Decimal

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_repr, format_amount

from ..szamlazz_agent import CreditEntryRequest, PaymentRequest, SzamlazzError
from .szamlazz_agent_user_error import agent_user_error
from .szamlazz_proforma_wizard import PAYMENT_METHODS


class SzamlazzPaymentWizard(models.TransientModel):
    """Record a payment received outside Számlázz.hu on its invoice (a credit entry).

    Credit entries are additive and Számlázz.hu keeps every one it gets, so each is sent
    with a note naming this wizard; before sending, the invoice is asked whether a payment
    with that note is there already (a second click, an answer that never came)."""

    _name = "szamlazz.payment.wizard"
    _description = "Register a Payment at Számlázz.hu"

    invoice_id = fields.Many2one("szamlazz.invoice", required=True, readonly=True)
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    amount_residual = fields.Monetary(related="invoice_id.amount_residual")
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(
        compute="_compute_amount", store=True, readonly=False, precompute=True, required=True
    )
    payment_method = fields.Selection(
        PAYMENT_METHODS, required=True, default=PAYMENT_METHODS[0][0]
    )
    note = fields.Char(help="Shown with the payment on the invoice at Számlázz.hu.")
    registered = fields.Boolean(readonly=True)

    @api.depends("invoice_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.invoice_id.amount_residual

    def _idempotency_note(self):
        return self.env["szamlazz.account"]._odoo_reference("payment", self.id)

    def action_register(self):
        self.ensure_one()
        # A second click waits here; Odoo retries it after the first commits, and the
        # wizard is then marked registered.
        self.env.cr.execute(SQL(
            "SELECT id FROM %s WHERE id = %s FOR UPDATE", SQL.identifier(self._table), self.id
        ))
        if not self.registered:
            self._send_credit_entry()
        return {"type": "ir.actions.act_window_close"}

    def _send_credit_entry(self):
        invoice = self.invoice_id.sudo()
        rounding = invoice.currency_id.rounding or 0.01
        if float_compare(self.amount, 0.0, precision_rounding=rounding) <= 0:
            raise UserError(_("Enter the amount received."))
        if invoice.cancelled or invoice.kind in ("D", "SS", "SL"):
            raise UserError(_("Payments can only be recorded on a valid invoice."))
        marker = self._idempotency_note()
        note = "%s (%s)" % (self.note, marker) if self.note else marker
        client = invoice.account_id._get_client()
        try:
            document = client.query_invoice(number=invoice.number)
            if not any(marker in (payment.note or "") for payment in document.payments):
                client.register_payment(CreditEntryRequest(
                    number=invoice.number,
                    payments=[PaymentRequest(
                        date=self.date,
                        title=self.payment_method,
                        amount=Decimal(float_repr(self.amount, 2)),
                        note=note,
                    )],
                    additive=True,
                ))
                document = client.query_invoice(number=invoice.number)
        except SzamlazzError as error:
            raise agent_user_error(self.env, error) from None
        self.env["szamlazz.invoice"]._store_document(invoice.account_id, document.raw, "requery")
        invoice._process()
        invoice.message_post(body=_(
            "%(user)s recorded a payment of %(amount)s (%(date)s) at Számlázz.hu.",
            user=self.env.user.name, amount=format_amount(self.env, self.amount, self.currency_id),
            date=self.date,
        ))
        self.registered = True
