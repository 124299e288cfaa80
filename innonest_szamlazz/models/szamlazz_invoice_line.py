from odoo import fields, models

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
    ("unknown_product", "Unknown product"),
    ("ambiguous_product", "Several products match"),
]


class SzamlazzInvoiceLine(models.Model):
    _name = "szamlazz.invoice.line"
    _description = "Számlázz.hu document item"
    _order = "invoice_id, sequence, id"

    invoice_id = fields.Many2one("szamlazz.invoice", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="invoice_id.company_id", store=True)
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
    stock_status = fields.Selection(STOCK_STATUSES, default="pending", required=True)
    stock_move_ids = fields.One2many("stock.move", "szamlazz_invoice_line_id")

    def _invoice_ids_by_product(self, products):
        """``{product id: [document ids]}`` for ``products``, in one query (smart buttons)."""
        groups = self._read_group(
            [("product_id", "in", products.ids)], ["product_id"], ["invoice_id:array_agg"]
        )
        return {product.id: set(invoice_ids) for product, invoice_ids in groups}
