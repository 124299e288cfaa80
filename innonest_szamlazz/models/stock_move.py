from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    szamlazz_invoice_line_id = fields.Many2one(
        "szamlazz.invoice.line",
        "Számlázz.hu item",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The document item this move carries out; it is never moved twice.",
    )
