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
        result = super()._link_proforma(proforma)
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
        return result

    def _link_final_invoice(self, invoice):
        """The proforma of a quotation was paid before Odoo learned of it: its invoice
        delivers the order all the same (and a second transfer would ship twice)."""
        super()._link_final_invoice(invoice)
        order = self.sale_order_id
        if not order or invoice.sale_order_id:
            return
        if invoice.state == "received":
            invoice.sale_order_id = order
        else:
            order.sudo().message_post(
                body=_(
                    "The proforma of this order was paid: Számlázz.hu issued %(number)s, which "
                    "Odoo processed before it could tie it to the order. Check the order's "
                    "delivery.",
                    number=invoice.number,
                )
            )
