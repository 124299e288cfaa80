from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from ..models.szamlazz_agent_write import PENDING_STATES
from .szamlazz_proforma_wizard import PAYMENT_METHODS


class SzamlazzPaymentWizard(models.TransientModel):
    """Record a payment received outside Számlázz.hu on its invoice (a credit entry).

    Credit entries are additive and Számlázz.hu keeps every one it gets, so each is recorded
    as a ``szamlazz.agent.write`` before it is sent and carries that write's mark in its
    note. While one waits for its outcome (Számlázz.hu did not answer), another click asks
    Számlázz.hu whether the invoice shows the mark instead of sending a second one."""

    _name = "szamlazz.payment.wizard"
    _description = "Register a Payment at Számlázz.hu"

    invoice_id = fields.Many2one("szamlazz.invoice", required=True, readonly=True)
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    amount_residual = fields.Monetary(related="invoice_id.amount_residual")
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(
        compute="_compute_amount", store=True, readonly=False, precompute=True, required=True
    )
    payment_method = fields.Selection(PAYMENT_METHODS, required=True, default=PAYMENT_METHODS[0][0])
    note = fields.Char(help="Shown with the payment on the invoice at Számlázz.hu.")
    registered = fields.Boolean(readonly=True)
    write_id = fields.Many2one("szamlazz.agent.write", string="Request", readonly=True)
    # A payment of the same invoice that another click registered while this wizard was
    # open, once the user has been told about it: the next click sends this one.
    seen_write_id = fields.Many2one("szamlazz.agent.write", readonly=True)

    @api.depends("invoice_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.invoice_id.amount_residual

    def action_register(self):
        self.ensure_one()
        invoice = self.invoice_id.sudo()
        # Two clicks at once, on this wizard or another one for the same invoice: the second
        # is retried by Odoo once the first has recorded its request, and sees it.
        self.env["szamlazz.agent.write"]._claim(invoice)
        if self.registered:
            return {"type": "ir.actions.act_window_close"}
        rounding = invoice.currency_id.rounding or 0.01
        if float_compare(self.amount, 0.0, precision_rounding=rounding) <= 0:
            raise UserError(_("Enter the amount received."))
        if invoice.cancelled or not invoice.is_debt:
            raise UserError(_("Payments can only be recorded on a valid invoice."))
        Write = self.env["szamlazz.agent.write"]
        # This wizard's own write first: when Odoo retries the click after a conflict (a
        # push of the same invoice at that moment), its outcome is committed already.
        if self.write_id and self.write_id.state != "not_done":
            answer = self.write_id._answer_repeated_click()
            self.registered = self.write_id.state == "done"
            return answer
        other = Write._latest_for(invoice, "credit_entry", PENDING_STATES, invoice.company_id)
        if not other:
            # Registered by another click since this wizard opened (one that met it and
            # was retried by Odoo lands here): the user hears of it before a second is sent.
            other = Write._latest_for(invoice, "credit_entry", ("done",), invoice.company_id)
            if other and (other == self.seen_write_id or other.create_date < self.create_date):
                other = Write
        answer = other._answer_other_click() if other else None
        if other.state == "done":
            self.seen_write_id = other
        if answer is not None:
            return answer
        invoice.account_id._get_client()  # no key: said before a request is recorded
        write = Write._begin(
            {
                "kind": "credit_entry",
                "account_id": invoice.account_id.id,
                "res_model": invoice._name,
                "res_id": invoice.id,
                "invoice_id": invoice.id,
                "partner_id": invoice.partner_id.id,
                "currency_id": invoice.currency_id.id,
                "amount": self.amount,
                "payment_date": self.date,
                "payment_method": self.payment_method,
                "payment_note": self.note,
                "payments_before": [
                    [payment.date.isoformat(), payment.amount] for payment in invoice.payment_ids
                ],
            }
        )
        self.write_id = write
        answer = write._send_credit_entry()
        self.registered = True
        return answer
