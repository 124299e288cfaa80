from odoo import api, fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    szamlazz_identifier = fields.Char(
        string="Számlázz.hu Item Identifier",
        compute="_compute_szamlazz_identifier",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        copy=False,
        help="Sent as the item identifier (azonosito) on Számlázz.hu invoices and used "
        "to recognise this product on imported invoices. Follows the Internal "
        "Reference unless set to something else.",
    )

    @api.depends("default_code")
    def _compute_szamlazz_identifier(self):
        # Fills empty identifiers, also those of products that existed before this module;
        # write() makes an identifier that equals the old reference follow a new one.
        for product in self:
            product.szamlazz_identifier = product.szamlazz_identifier or product.default_code

    def write(self, vals):
        if "default_code" not in vals or "szamlazz_identifier" in vals:
            return super().write(vals)
        # An identifier that still equals the old Internal Reference follows it; one
        # set by hand is kept.
        following = self.filtered(
            lambda product: product.szamlazz_identifier == product.default_code
        )
        result = super().write(vals)
        if following:
            following.write({"szamlazz_identifier": vals["default_code"]})
        return result
