from odoo import api, models
from odoo.addons.innonest_szamlazz.tools.vat_keys import normalize_vat_key


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # An order made from a webshop invoice, or paid through its proforma, is invoiced by
    # that Számlázz.hu invoice: Odoo shows it invoiced and never offers to invoice it again.

    def _szamlazz_invoiced_elsewhere(self):
        return self.filtered(
            lambda line: (
                line.order_id.szamlazz_invoice_id
                or line.order_id.szamlazz_proforma_id.final_invoice_id
            )
        )

    @api.depends("order_id.szamlazz_invoice_id", "order_id.szamlazz_proforma_id.final_invoice_id")
    def _compute_qty_to_invoice(self):
        result = super()._compute_qty_to_invoice()
        self._szamlazz_invoiced_elsewhere().qty_to_invoice = 0.0
        return result

    @api.depends("order_id.szamlazz_invoice_id", "order_id.szamlazz_proforma_id.final_invoice_id")
    def _compute_invoice_status(self):
        result = super()._compute_invoice_status()
        self._szamlazz_invoiced_elsewhere().filtered(
            lambda line: not line.display_type
        ).invoice_status = "invoiced"
        return result

    @api.depends("order_id.szamlazz_invoice_id", "order_id.szamlazz_proforma_id.final_invoice_id")
    def _compute_untaxed_amount_to_invoice(self):
        result = super()._compute_untaxed_amount_to_invoice()
        self._szamlazz_invoiced_elsewhere().untaxed_amount_to_invoice = 0.0
        return result

    @api.depends("order_id.szamlazz_invoice_id", "order_id.szamlazz_proforma_id.final_invoice_id")
    def _compute_amount_to_invoice(self):
        result = super()._compute_amount_to_invoice()
        self._szamlazz_invoiced_elsewhere().amount_to_invoice = 0.0
        return result

    def _szamlazz_vat_key(self):
        """The Számlázz.hu VAT key of the line's taxes: a key set on a tax, else the rate
        of a non-zero percentage tax; ``False`` when unknown (a 0% tax without a key:
        exempt and zero-rated supplies differ at NAV; a rate Hungary does not have). Never
        the product's key: the proforma must carry the tax the order computed with."""
        self.ensure_one()
        taxes = self.tax_id.flatten_taxes_hierarchy()
        for tax in taxes:
            if tax.szamlazz_vat_key:
                return tax.szamlazz_vat_key
        for tax in taxes.filtered(lambda tax: tax.amount_type == "percent" and tax.amount):
            try:
                return normalize_vat_key(tax.amount)
            except ValueError:
                continue
        return False

    def _szamlazz_proforma_line_values(self):
        self.ensure_one()
        product = self.product_id
        return {
            "sequence": self.sequence,
            "product_id": product.id,
            "name": self.name,
            "identifier": product.szamlazz_identifier or product.default_code or False,
            "quantity": self.product_uom_qty,
            "unit": product.szamlazz_unit or self.product_uom.name,
            # Discounts and tax-included prices folded in: Számlázz.hu gets the net price,
            # unrounded (price_reduce_taxexcl is rounded to the currency), so that its line
            # net is the order line's subtotal.
            "net_unit_price": self.price_subtotal / self.product_uom_qty,
            "vat_key": self._szamlazz_vat_key(),
        }
