from odoo import _, api, fields, models
from odoo.exceptions import UserError

STOCK_STATUSES = [
    ("pending", "Not processed yet"),
    ("on_receipt", "On a receipt"),
    ("no_stock_effect", "No stock effect"),
    ("not_stock", "Not a stock item"),
    ("unknown_product", "Unknown product"),
    ("ambiguous_product", "Several products match"),
    ("needs_hand", "To handle by hand"),
]
MATCH_RULES = [
    ("vendor_code", "Supplier's product code"),
    ("vendor_name", "Supplier's product name"),
    ("reference", "Internal reference"),
    ("user", "Chosen by a user"),
]


class SzamlazzSupplierInvoiceLine(models.Model):
    _name = "szamlazz.supplier.invoice.line"
    _description = "Számlázz.hu supplier invoice item"
    _order = "invoice_id, sequence, id"

    invoice_id = fields.Many2one(
        "szamlazz.supplier.invoice", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="invoice_id.company_id", store=True)
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    sequence = fields.Integer()
    name = fields.Char(required=True, readonly=True)
    identifier = fields.Char(
        "Supplier's Code", readonly=True, help="The supplier's code of the item (tetel/azonosito)."
    )
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    unit = fields.Char(readonly=True)
    net_unit_price = fields.Float(digits="Product Price", readonly=True)
    vat_rate = fields.Char("VAT", readonly=True)
    amount_net = fields.Monetary("Net", readonly=True)
    amount_gross = fields.Monetary("Gross", readonly=True)
    product_id = fields.Many2one(
        "product.product",
        index="btree_not_null",
        check_company=True,
        help="Chosen by hand, it is remembered as the supplier's vendor line of the product, "
        "so the same item of this supplier is matched by itself next time.",
    )
    match_rule = fields.Selection(MATCH_RULES, "Matched By", readonly=True)
    stock_status = fields.Selection(STOCK_STATUSES, default="pending", required=True, readonly=True)
    move_ids = fields.One2many("stock.move", "szamlazz_supplier_line_id", readonly=True)
    is_open = fields.Boolean(
        compute="_compute_is_open", help="Not on a receipt yet: its product may still be chosen."
    )

    @api.depends("move_ids", "stock_status")
    def _compute_is_open(self):
        for line in self:
            line.is_open = not line.move_ids and line.stock_status != "on_receipt"

    def write(self, vals):
        if "product_id" not in vals or self.env.context.get("szamlazz_matching"):
            return super().write(vals)
        if self.filtered("move_ids"):
            raise UserError(_("An item already on a receipt keeps its product."))
        result = super().write(dict(vals, match_rule="user", stock_status="pending"))
        mapped = self.filtered("product_id")
        mapped._remember_as_vendor_line()
        mapped.invoice_id.sudo()._process_again()
        return result

    def _remember_as_vendor_line(self):
        """The supplier's item name and code on the chosen product's vendor lines (once)."""
        SupplierInfo = self.env["product.supplierinfo"].sudo()
        for line in self:
            supplier = line.invoice_id.partner_id.commercial_partner_id
            if not supplier:
                continue
            product = line.product_id
            known = SupplierInfo.search_count(
                [
                    ("partner_id", "=", supplier.id),
                    ("product_tmpl_id", "=", product.product_tmpl_id.id),
                    ("product_code", "=", line.identifier or False),
                    ("product_name", "=", line.name),
                ]
            )
            if known:
                continue
            SupplierInfo.create(
                {
                    "partner_id": supplier.id,
                    "product_tmpl_id": product.product_tmpl_id.id,
                    # A variant is named only where the template has several.
                    "product_id": product.id
                    if product.product_tmpl_id.product_variant_count > 1
                    else False,
                    "product_code": line.identifier or False,
                    "product_name": line.name,
                    "price": line.net_unit_price,
                    "currency_id": (line.currency_id or line.company_id.currency_id).id,
                    "company_id": line.company_id.id,
                }
            )
            line.invoice_id.message_post(
                body=_(
                    "%(item)s of %(supplier)s is %(product)s from now on (vendor line added).",
                    item=line.name,
                    supplier=supplier.display_name,
                    product=product.display_name,
                )
            )

    def action_not_stock(self):
        """The item is a fee, a service or a discount: nothing to receive."""
        if self.filtered("move_ids"):
            raise UserError(_("An item already on a receipt cannot be taken off it here."))
        self.with_context(szamlazz_matching=True).write(
            {"stock_status": "not_stock", "product_id": False}
        )
        self.invoice_id.sudo()._process_again()
