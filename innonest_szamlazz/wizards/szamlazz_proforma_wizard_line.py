from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import float_repr

from ..szamlazz_agent import InvoiceItemRequest
from ..tools.vat_keys import VAT_KEYS

DEFAULT_VAT_KEY = "27"
UNIT_PRICE_DIGITS = (16, 6)


class SzamlazzProformaWizardLine(models.TransientModel):
    _name = "szamlazz.proforma.wizard.line"
    _description = "Line of a Számlázz.hu Proforma"
    _order = "sequence, id"

    wizard_id = fields.Many2one("szamlazz.proforma.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    product_id = fields.Many2one("product.product")
    name = fields.Char(
        string="Description",
        compute="_compute_from_product",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    identifier = fields.Char(
        compute="_compute_from_product",
        store=True,
        readonly=False,
        precompute=True,
        help="The item identifier (azonosito) on the proforma and on its invoice: the "
        "import recognises the product by it when the invoice moves the stock.",
    )
    quantity = fields.Float(digits="Product Unit of Measure", required=True, default=1.0)
    unit = fields.Char(
        compute="_compute_from_product",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    net_unit_price = fields.Float(
        # Finer than "Product Price": a discounted price (6 990 less 7.5 %) must reach
        # Számlázz.hu unrounded, or its line total differs from the order's.
        digits=UNIT_PRICE_DIGITS,
        compute="_compute_from_product",
        store=True,
        readonly=False,
        precompute=True,
    )
    vat_key = fields.Selection(
        VAT_KEYS,
        string="VAT Key",
        compute="_compute_from_product",
        store=True,
        readonly=False,
        precompute=True,
    )
    amount_net = fields.Monetary(compute="_compute_amounts")
    amount_gross = fields.Monetary(compute="_compute_amounts")

    @api.depends("product_id")
    def _compute_from_product(self):
        for line in self:
            product = line.product_id
            if not product:
                continue
            line.name = product.display_name
            line.identifier = product.szamlazz_identifier or product.default_code
            line.unit = product.szamlazz_unit or product.uom_id.name
            line.net_unit_price = product.lst_price
            line.vat_key = product.szamlazz_vat_key or DEFAULT_VAT_KEY

    @api.depends("quantity", "net_unit_price", "vat_key")
    def _compute_amounts(self):
        for line in self:
            if line.vat_key:
                item = line._item_request()
                line.amount_net = float(item.net)
                line.amount_gross = float(item.gross)
            else:
                line.amount_net = line.amount_gross = 0.0

    def _item_request(self):
        """The item as sent: the client computes net, VAT and gross from these."""
        self.ensure_one()
        quantity_digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        return InvoiceItemRequest(
            name=self.name,
            quantity=Decimal(float_repr(self.quantity, quantity_digits)),
            unit=self.unit,
            net_unit_price=Decimal(
                float_repr(self.net_unit_price, UNIT_PRICE_DIGITS[1])
            ).normalize(),
            vat_rate=self.vat_key,
            identifier=self.identifier or None,
        )
