from odoo import api, fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    szamlazz_identifier = fields.Char(
        string="Számlázz.hu Item Identifier",
        index="btree_not_null",
        copy=False,
        help="Sent as the item identifier (azonosito) on Számlázz.hu invoices and used "
        "to recognise this product on imported invoices. Follows the Internal "
        "Reference unless set to something else.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("szamlazz_identifier") and vals.get("default_code"):
                vals["szamlazz_identifier"] = vals["default_code"]
        return super().create(vals_list)

    def write(self, vals):
        if "default_code" not in vals or "szamlazz_identifier" in vals:
            return super().write(vals)
        # An identifier that still equals the old Internal Reference follows it; one
        # set by hand is kept.
        following = self.filtered(
            lambda product: (
                not product.szamlazz_identifier
                or product.szamlazz_identifier == product.default_code
            )
        )
        result = super().write(vals)
        if following:
            following.write({"szamlazz_identifier": vals["default_code"]})
        return result
