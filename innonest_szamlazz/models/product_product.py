from odoo import api, fields, models
from odoo.tools.misc import clean_context


class ProductProduct(models.Model):
    """The variant form inherits the template's smart button: it counts and opens the
    documents of this variant only."""

    _inherit = "product.product"

    szamlazz_identifier = fields.Char(
        string="Számlázz.hu Item Identifier",
        compute="_compute_szamlazz_identifier",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        copy=False,
        help="Sent as the item identifier (azonosito) on Számlázz.hu invoices and used "
        "to recognise this product on imported invoices. Follows the Internal "
        "Reference unless set to something else.",
    )
    szamlazz_document_count = fields.Integer(
        "Számlázz.hu documents",
        compute="_compute_szamlazz_document_count",
        groups="innonest_szamlazz.group_szamlazz_user",
    )

    @api.depends("default_code")
    def _compute_szamlazz_identifier(self):
        # Fills empty identifiers, also those of products that existed before this module;
        # write() makes an identifier that equals the old reference follow a new one.
        for product in self:
            product.szamlazz_identifier = product.szamlazz_identifier or product.default_code

    def _compute_szamlazz_document_count(self):
        invoice_ids = self.env["szamlazz.invoice.line"]._invoice_ids_by_product(self)
        for product in self:
            product.szamlazz_document_count = len(invoice_ids.get(product.id, ()))

    @api.model_create_multi
    def create(self, vals_list):
        products = super().create(vals_list)
        products._reprocess_documents_waiting_for_them()
        return products

    def _reprocess_documents_waiting_for_them(self):
        """Documents held back because no product had an item's code go through
        processing again once a product with that code exists (created from the item or
        anywhere else), without anyone clicking Re-process."""
        # A product not tracked in stock would let the document end without moving any.
        codes = {
            code
            for product in self.filtered("is_storable")
            for code in (product.default_code, product.szamlazz_identifier)
            if code
        }
        if not codes:
            return
        waiting = (
            self.env["szamlazz.invoice.line"]
            .sudo()
            .search([("stock_status", "=", "unknown_product"), ("identifier", "in", list(codes))])
            .invoice_id.filtered(lambda invoice: invoice.state == "needs_attention")
        )
        if waiting:
            # Not the product form's defaults (default_name, ...): they would name pickings.
            # Replaced, not updated: the defaults must go.
            waiting = waiting.with_context(clean_context(self.env.context))  # pylint: disable=context-overridden
            waiting._set_received()
            waiting._process()

    def write(self, vals):
        if "default_code" not in vals and "szamlazz_identifier" not in vals:
            return super().write(vals)
        if "default_code" not in vals or "szamlazz_identifier" in vals:
            result = super().write(vals)
            self._reprocess_documents_waiting_for_them()
            return result
        # An identifier that still equals the old Internal Reference follows it; one
        # set by hand is kept.
        following = self.filtered(
            lambda product: product.szamlazz_identifier == product.default_code
        )
        result = super().write(vals)
        if following:
            following.write({"szamlazz_identifier": vals["default_code"]})
        self._reprocess_documents_waiting_for_them()
        return result

    def action_view_szamlazz_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "innonest_szamlazz.szamlazz_invoice_action"
        )
        action["domain"] = [("line_ids.product_id", "=", self.id)]
        return action
