from odoo import fields, models


class SzamlazzPrefix(models.Model):
    _inherit = "szamlazz.prefix"

    create_sale_orders = fields.Boolean(
        string="Create Sales Orders",
        help="Each invoice of this webshop prefix becomes a confirmed sales order of its "
        "buyer when Odoo processes it: the order's delivery is the invoice's transfer, and "
        "the order is invoiced by the Számlázz.hu invoice, never in Odoo. Proformas, and "
        "the invoices of proformas made from Odoo orders, are left as they are.",
    )
