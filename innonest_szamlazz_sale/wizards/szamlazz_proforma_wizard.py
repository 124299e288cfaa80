from odoo import _, fields, models
from odoo.addons.innonest_szamlazz.models.szamlazz_agent_write import PENDING_STATES
from odoo.exceptions import UserError
from odoo.tools import float_compare, format_amount

# Hungarian invoices may round each gross amount to whole forints.
HUF_TOLERANCE = 1.0


class SzamlazzProformaWizard(models.TransientModel):
    """From a quotation: one proforma per order, announced in the order's chatter."""

    _inherit = "szamlazz.proforma.wizard"

    sale_order_id = fields.Many2one("sale.order", readonly=True)

    def _idempotency_record(self):
        return self.sale_order_id or super()._idempotency_record()

    def _existing_proforma(self):
        return self.sale_order_id.szamlazz_proforma_id or super()._existing_proforma()

    def _answer_if_on_its_way(self):
        if not self.sale_order_id:
            return super()._answer_if_on_its_way()
        # One proforma per order: a request of another click for it is this one (a done one
        # whose link is still missing included).
        write = self.env["szamlazz.agent.write"]._latest_for(
            self.sale_order_id, "proforma", PENDING_STATES + ("done",), self.company_id
        )
        return write._answer_repeated_click() if write else None

    def action_create_proforma(self):
        """From a quotation, the user goes back to it (it shows the proforma) and is told
        which proforma was made, instead of landing on the proforma."""
        result = super().action_create_proforma()
        proforma = self.proforma_id
        if self.sale_order_id and proforma and result.get("res_model") == proforma._name:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": _(
                        "Proforma %(number)s asks %(buyer)s for %(amount)s.",
                        number=proforma.number,
                        buyer=proforma.partner_id.display_name or self.partner_id.display_name,
                        amount=format_amount(self.env, proforma.amount_gross, proforma.currency_id),
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return result

    def _checked_account(self):
        if self.sale_order_id:
            unkeyed = self.line_ids.filtered(lambda line: not line.vat_key)
            if unkeyed:
                raise UserError(
                    _(
                        "The taxes of %(lines)s have no Számlázz.hu VAT key: give the order "
                        "line a Hungarian tax (27%%, 18%%, 5%%, or a 0%% tax with its key, "
                        "such as AAM or TAM, set in Invoicing > Configuration > Taxes).",
                        lines=", ".join(unkeyed.mapped("name")),
                    )
                )
        account = super()._checked_account()
        if self.sale_order_id:
            self._check_asks_what_the_order_says()
        return account

    def _check_asks_what_the_order_says(self):
        """Refuse, before anything is sent, a proforma whose total Számlázz.hu would
        compute otherwise than the order's (another tax, price, quantity or currency):
        the buyer must be asked for what the quotation shows."""
        order = self.sale_order_id
        if self.currency_id != order.currency_id:
            raise UserError(
                _(
                    "The proforma is in %(proforma)s, the order in %(order)s: change the "
                    "order's pricelist instead.",
                    proforma=self.currency_id.name,
                    order=order.currency_id.name,
                )
            )
        lines = order._szamlazz_proforma_lines()
        expected = sum(lines.mapped("price_total"))
        currency = order.currency_id
        tolerance = max(
            currency.rounding * len(self.line_ids),
            HUF_TOLERANCE if currency == self.env.ref("base.HUF") else 0.0,
        )
        if float_compare(abs(self.amount_gross - expected), tolerance, precision_digits=6) > 0:
            raise UserError(
                _(
                    "Számlázz.hu would ask the buyer for %(proforma)s, but the order totals "
                    "%(order)s. Each order line needs a tax with a Számlázz.hu VAT key (its "
                    "rate, or the key set on a 0%% tax), and the proforma lines the order's "
                    "quantities and prices: correct the order, then create the proforma again.",
                    proforma=format_amount(self.env, self.amount_gross, currency),
                    order=format_amount(self.env, expected, currency),
                )
            )
