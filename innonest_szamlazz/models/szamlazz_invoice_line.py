from odoo import _, fields, models
from odoo.exceptions import UserError

from ..tools.vat_keys import VAT_KEYS

STOCK_STATUSES = [
    ("pending", "Not processed yet"),
    ("moved", "Stock moved"),
    ("no_stock_effect", "No stock effect"),
    ("not_storable", "Not a storable product"),
    ("covered", "Moved by another document"),
    ("before_import_start", "Issued before the import start"),
    ("issued_elsewhere", "Issued by other software"),
    ("unreadable", "Could not be read"),
    ("no_identifier", "No item identifier"),
    ("service_item", "Service item (shipping, packaging, fee)"),
    ("unknown_product", "Unknown product"),
    ("ambiguous_product", "Several products match"),
    ("not_stock", "Not a stock item (set by a user)"),
]
# What a person can fix on the item itself.
FIXABLE_STATUSES = ("no_identifier", "unknown_product", "ambiguous_product")


class SzamlazzInvoiceLine(models.Model):
    _name = "szamlazz.invoice.line"
    _description = "Számlázz.hu document item"
    _order = "invoice_id, sequence, id"

    invoice_id = fields.Many2one("szamlazz.invoice", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="invoice_id.company_id", store=True, precompute=True)
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    sequence = fields.Integer()
    name = fields.Char(required=True)
    identifier = fields.Char(help="The item identifier (tetel/azonosito): the product's SKU.")
    quantity = fields.Float(digits="Product Unit of Measure")
    unit = fields.Char()
    net_unit_price = fields.Float(digits="Product Price")
    vat_rate = fields.Char("VAT")
    amount_net = fields.Monetary("Net")
    amount_vat = fields.Monetary("VAT amount")
    amount_gross = fields.Monetary("Gross")
    product_id = fields.Many2one("product.product", index="btree_not_null")
    product_chosen = fields.Boolean(
        "Product Chosen by Hand",
        readonly=True,
        help="A user mapped this item to its product: processing takes it as it is.",
    )
    stock_status = fields.Selection(STOCK_STATUSES, default="pending", required=True)
    stock_move_ids = fields.One2many("stock.move", "szamlazz_invoice_line_id")

    def _invoice_ids_by_product(self, products):
        """``{product id: [document ids]}`` for ``products``, in one query (smart buttons)."""
        groups = self._read_group(
            [("product_id", "in", products.ids)], ["product_id"], ["invoice_id:array_agg"]
        )
        return {product.id: set(invoice_ids) for product, invoice_ids in groups}

    # -- fixing an item where it shows ------------------------------------------------------

    def _check_fixable(self):
        for line in self:
            if line.stock_move_ids or line.stock_status not in FIXABLE_STATUSES:
                raise UserError(_("Item “%s” has nothing to fix: its stock is settled.", line.name))

    def _map_to_product(self, product):
        """The item is ``product``: remembered on the product (its Számlázz.hu identifier,
        when the item has one and the product none) and used at once."""
        self._check_fixable()
        self.sudo().write({"product_id": product.id, "product_chosen": True})
        for line in self:
            # Users read documents; the note is the document's own, written as them.
            line.invoice_id.sudo().message_post(
                body=_(
                    "Item “%(item)s” mapped to %(product)s by hand.",
                    item=line.name,
                    product=product.display_name,
                )
            )
        identifier = next((line.identifier for line in self if line.identifier), False)
        if identifier and not product.szamlazz_identifier:
            # Also processes the documents waiting for this code, this one included.
            product.sudo().szamlazz_identifier = identifier
        self.invoice_id.filtered(lambda invoice: invoice.state != "done").action_reprocess()

    def action_map_product(self):
        """Open the mapping dialog for this item."""
        self._check_fixable()
        return {
            "type": "ir.actions.act_window",
            "name": _("Map to Product"),
            "res_model": "szamlazz.line.map.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def action_create_product(self):
        """A new product filled from the item: its name, code, unit, net price and VAT
        key; saving it processes the document again by itself."""
        self._check_fixable()
        if self.stock_status != "unknown_product":
            raise UserError(_("Only an item whose code no product has can become a new product."))
        vat_key = self.vat_rate if self.vat_rate in dict(VAT_KEYS) else False
        return {
            "type": "ir.actions.act_window",
            "name": _("Create Product"),
            "res_model": "product.product",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_name": self.name,
                "default_default_code": self.identifier or False,
                "default_is_storable": True,
                "default_list_price": self.net_unit_price,
                "default_szamlazz_unit": self.unit or False,
                "default_szamlazz_vat_key": vat_key,
            },
        }

    def action_not_stock_item(self):
        """The item is a fee or a service: it moves no stock and holds nothing back."""
        self._check_fixable()
        self.sudo().write({"stock_status": "not_stock", "product_id": False})
        self.invoice_id.action_reprocess()
