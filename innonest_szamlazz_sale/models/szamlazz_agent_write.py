from odoo import _, fields, models


class SzamlazzAgentWrite(models.Model):
    _inherit = "szamlazz.agent.write"

    sale_order_id = fields.Many2one(
        "sale.order", compute="_compute_sale_order_id", string="Sales Order"
    )

    def _compute_sale_order_id(self):
        for write in self:
            write.sale_order_id = write.res_id if write.res_model == "sale.order" else False

    def _link_proforma(self, proforma):
        """A proforma made from a quotation belongs to it, also when Odoo learns only later
        (after an unanswered create) that Számlázz.hu created it."""
        super()._link_proforma(proforma)
        order = self.sale_order_id
        if order and not order.szamlazz_proforma_id:
            order.sudo().szamlazz_proforma_id = proforma
            proforma.sale_order_id = order
        elif order and order.szamlazz_proforma_id != proforma:
            order.sudo().message_post(
                body=_(
                    "Számlázz.hu also holds the proforma %(number)s for this order; the order "
                    "keeps %(linked)s.",
                    number=proforma.number,
                    linked=order.szamlazz_proforma_id.number,
                )
            )
