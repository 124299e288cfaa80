from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # Default relation table, shared with szamlazz.invoice.picking_ids.
    szamlazz_invoice_ids = fields.Many2many(
        "szamlazz.invoice",
        string="Számlázz.hu Invoices",
        copy=False,
        readonly=True,
    )
