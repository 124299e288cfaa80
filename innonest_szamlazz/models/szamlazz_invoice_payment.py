from odoo import fields, models


class SzamlazzInvoicePayment(models.Model):
    """A credit entry (kifizetes) of a Számlázz.hu document, as Számlázz.hu records it."""

    _name = "szamlazz.invoice.payment"
    _description = "Számlázz.hu payment"
    _order = "invoice_id, date, id"

    invoice_id = fields.Many2one("szamlazz.invoice", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="invoice_id.company_id", store=True, precompute=True)
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    date = fields.Date(required=True)
    title = fields.Char(help="The payment method (jogcim).")
    amount = fields.Monetary()
    note = fields.Char()
    bank_transaction_id = fields.Char("Bank transaction")
