from odoo import fields, models


class SzamlazzLineMapWizard(models.TransientModel):
    """Map a document item Odoo could not match to an existing product."""

    _name = "szamlazz.line.map.wizard"
    _description = "Map a Számlázz.hu item to a product"

    line_id = fields.Many2one("szamlazz.invoice.line", required=True, readonly=True)
    item_name = fields.Char(related="line_id.name")
    item_identifier = fields.Char(related="line_id.identifier")
    company_id = fields.Many2one(related="line_id.company_id")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        domain="[('company_id', 'in', [False, company_id])]",
        help="The item's Számlázz.hu identifier is set on the product when it has none, "
        "so the next document with this item finds it by itself.",
    )

    def action_map(self):
        self.line_id._map_to_product(self.product_id)
        return {"type": "ir.actions.act_window_close"}
