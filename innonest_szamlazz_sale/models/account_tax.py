from odoo import fields, models
from odoo.addons.innonest_szamlazz.tools.vat_keys import VAT_KEYS


class AccountTax(models.Model):
    _inherit = "account.tax"

    szamlazz_vat_key = fields.Selection(
        VAT_KEYS,
        string="Számlázz.hu VAT Key",
        help="The key Számlázz.hu documents carry for this tax. Needed for 0% taxes "
        "(TAM, AAM, EUKT, ...); empty on a percentage tax: its rate (27 → 27%).",
    )
