from odoo import fields, models


class SzamlazzInvoiceLine(models.Model):
    _inherit = "szamlazz.invoice.line"

    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sales Order Line",
        readonly=True,
        index="btree_not_null",
        help="The line of the sales order this webshop invoice item became.",
    )
