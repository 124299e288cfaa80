from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    szamlazz_invoice_line_id = fields.Many2one(
        "szamlazz.invoice.line",
        "Számlázz.hu item",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The document item this move carries out; it is never moved twice.",
    )

    szamlazz_supplier_line_id = fields.Many2one(
        "szamlazz.supplier.invoice.line",
        "Számlázz.hu supplier item",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The supplier invoice item this move receives; it is never received twice.",
    )

    def _prepare_merge_moves_distinct_fields(self):
        # Two items of one SKU on a document keep a move each: merged, the second item
        # would have no move of its own and the next version of the document would move
        # it again.
        return super()._prepare_merge_moves_distinct_fields() + [
            "szamlazz_invoice_line_id",
            "szamlazz_supplier_line_id",
        ]

    def _prepare_move_split_vals(self, qty):
        # The rest of a partly received supplier item (its backorder) is still that item.
        values = super()._prepare_move_split_vals(qty)
        if self.szamlazz_supplier_line_id:
            values["szamlazz_supplier_line_id"] = self.szamlazz_supplier_line_id.id
        return values
