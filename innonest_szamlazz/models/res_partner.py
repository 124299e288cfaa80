from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    szamlazz_identifier = fields.Char(
        string="Számlázz.hu Buyer Identifier",
        index="btree_not_null",
        copy=False,
        help="The buyer identifier (azonosito) on Számlázz.hu invoices; invoices that "
        "carry it are matched to this contact.",
    )
    szamlazz_buyer_id = fields.Char(
        string="Számlázz.hu Buyer ID",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="Számlázz.hu's internal id of this buyer, read from imported invoices.",
    )
