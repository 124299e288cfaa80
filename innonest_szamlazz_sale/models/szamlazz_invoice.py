"""Számlázz.hu documents and sales orders.

Two ways an invoice meets an order:

- the invoice of a proforma made from an order (or tied to an order by its request)
  validates that order's own delivery;
- a webshop invoice, on a prefix with "Create Sales Orders", becomes a confirmed order of
  its buyer when it is processed: one line per item that has a product, the delivery
  validated with the invoice's quantities (each item filling its own line's move, so no
  item moves twice), nothing to invoice in Odoo (the Számlázz.hu invoice is the invoice).
  The order is made once: processing the document again completes it (items whose
  product was found since), never a second one. A storno brings the goods back as the
  return of that delivery and marks the order; the order is never cancelled.
"""

from collections import defaultdict
from contextlib import contextmanager

from odoo import Command, _, fields, models
from odoo.addons.innonest_szamlazz.tools import document_kinds
from odoo.addons.innonest_szamlazz.tools.vat_keys import normalize_vat_key
from odoo.exceptions import UserError
from odoo.tools import float_compare

# The kinds a webshop order is made of: items moved with their sign, in an invoice
# series, in their own right (invoice, final invoice). Not a correction (it follows its
# original), a proforma, a delivery note or a receipt.
SALE_ORDER_KINDS = document_kinds.codes_where(
    lambda kind: kind.stock_sign and kind.series == "invoice" and not kind.follows_original
)
# Set by _apply_stock while a document whose processing makes its own order moves stock.
WEBSHOP_ORDER_CONTEXT = "szamlazz_webshop_sale_order"
# Line statuses of items that have a product but move no stock of their own (services,
# consumables that are not stocked, zero quantities): they are on the order all the same.
ORDERED_WITHOUT_STOCK = ("not_storable", "no_stock_effect")


@contextmanager
def _unlocked(order):
    """Odoo launches no procurement for a locked order (the "lock confirmed orders"
    setting locks it at confirmation): unlocked while its own lines are procured."""
    locked = order.locked
    if locked:
        order.action_unlock()
    try:
        yield order
    finally:
        if locked:
            order.action_lock()


class SzamlazzInvoice(models.Model):
    _inherit = "szamlazz.invoice"

    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        readonly=True,
        index="btree_not_null",
        help="The order this proforma was made from; its invoice delivers the order. On an "
        "invoice: the order it delivers, when Odoo never held the proforma it settles, or "
        "the order made from this webshop invoice.",
    )

    # -- webshop invoices become sales orders --------------------------------------------

    def _szamlazz_makes_sale_order(self, prefix):
        """Whether processing this document makes (or completes) its own sales order:
        a webshop invoice of a prefix with "Create Sales Orders", not the invoice of a
        proforma made from an Odoo order; or a document that has its own order already."""
        self.ensure_one()
        if self.sale_order_id:
            return self.sale_order_id.szamlazz_invoice_id == self
        return bool(
            prefix
            and prefix.active
            and prefix.is_webshop
            and prefix.create_sale_orders
            and self.kind in SALE_ORDER_KINDS
            and self.partner_id
            and not self.proforma_id.sale_order_id
        )

    def _apply_stock(self, lookups):
        prefix = lookups["prefixes"][self.account_id.id].get(self.number_prefix)
        if not self._szamlazz_makes_sale_order(prefix):
            return super()._apply_stock(lookups)
        invoice = self.with_context(**{WEBSHOP_ORDER_CONTEXT: True})
        problems = super(SzamlazzInvoice, invoice)._apply_stock(lookups)
        if invoice._szamlazz_items_without_stock().filtered(lambda line: not line.sale_line_id):
            # Nothing went through _move_lines (services only, say), or these items were
            # not on the order yet: the order is made or completed all the same.
            invoice._move_lines(self.line_ids.browse(), self._stock_warehouse(lookups))
        return problems

    def _szamlazz_items_without_stock(self):
        """Items with a product that move no stock of their own, not moved yet."""
        return self.line_ids.filtered(
            lambda line: (
                line.product_id
                and line.stock_status in ORDERED_WITHOUT_STOCK
                and not line.stock_move_ids
            )
        )

    def _szamlazz_create_sale_order(self, lines, warehouse):
        """This webshop invoice's confirmed order, made now; empty when it must not be
        made: the document is cancelled, or some of its goods moved without an order."""
        self.ensure_one()
        SaleOrder = self.env["sale.order"]
        if self.cancelled or self.line_ids.stock_move_ids:
            return SaleOrder
        order = SaleOrder.search([("szamlazz_invoice_id", "=", self.id)], limit=1)
        if order:
            self.sale_order_id = order
            return order
        notes = []
        currency = self.currency_id if self.currency_id.active else self.company_id.currency_id
        if self.currency_code and currency.name != self.currency_code:
            notes.append(
                _(
                    "The invoice is in %(code)s, which is not an active currency in Odoo: "
                    "the order is in %(currency)s.",
                    code=self.currency_code,
                    currency=currency.name,
                )
            )
        pricelist = self.partner_id.with_company(self.company_id).property_product_pricelist
        if pricelist.currency_id != currency:
            Pricelist = self.env["product.pricelist"]
            pricelist = Pricelist.search(
                [
                    *Pricelist._check_company_domain(self.company_id),
                    ("currency_id", "=", currency.id),
                ],
                limit=1,
            )
        order = SaleOrder.create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "warehouse_id": warehouse.id,
                "pricelist_id": pricelist.id,
                "client_order_ref": self.order_number,
                "origin": self.number,
                "szamlazz_invoice_id": self.id,
            }
        )
        if order.currency_id != currency:
            # No pricelist in the invoice's currency: the prices are the invoice's anyway.
            order.currency_id = currency
        self.sale_order_id = order
        items = self._szamlazz_order_items(lines)
        sale_lines = self._szamlazz_add_order_lines(order, items, notes)
        order.with_context(skip_procurement=True).action_confirm()
        self._szamlazz_procure(order, sale_lines)
        unordered = self.line_ids.filtered(lambda line: not line.product_id)
        if unordered:
            notes.append(
                _(
                    "Not on the order, no product in Odoo: %s.",
                    ", ".join(unordered.mapped("name")),
                )
            )
        order.message_post(
            body="\n".join(
                [
                    _(
                        "Made from the webshop invoice %(number)s issued at Számlázz.hu "
                        "(webshop order %(reference)s) and confirmed. The invoice is that "
                        "Számlázz.hu document: nothing is invoiced in Odoo.",
                        number=self.number,
                        reference=self.order_number or "-",
                    )
                ]
                + notes
            )
        )
        self.message_post(
            body=_("Sales order %s made from this webshop invoice and confirmed.", order.name)
        )
        return order

    def _szamlazz_order_items(self, lines):
        """The items the order lists and does not list yet: those about to move
        (``lines``) and those with a product that move no stock of their own."""
        items = self.line_ids.browse([line.id for line in lines])
        items |= self._szamlazz_items_without_stock()
        return items.filtered(lambda line: not line.sale_line_id).sorted(
            lambda line: (line.sequence, line.id)
        )

    def _szamlazz_add_order_lines(self, order, items, notes):
        """One order line per item, at the invoice's quantity and unit price, with the
        sale tax of its VAT key (none when Odoo has none, said in ``notes``); each item
        points at its line. No procurement yet (:meth:`_szamlazz_procure`)."""
        if not items:
            return self.env["sale.order.line"]
        taxes = self._szamlazz_sale_taxes_by_key()
        values = []
        for item in items:
            tax = self._szamlazz_item_tax(item, taxes, notes)
            price = item.net_unit_price
            if tax.price_include and tax.amount_type == "percent":
                # The tax is included in the prices it is put on: the gross unit price.
                price = item.net_unit_price * (1 + tax.amount / 100)
            values.append(
                {
                    "order_id": order.id,
                    "sequence": item.sequence,
                    "product_id": item.product_id.id,
                    "name": item.name,
                    "product_uom_qty": item.quantity,
                    "product_uom": item.product_id.uom_id.id,
                    "price_unit": price,
                    "discount": 0.0,
                    "tax_id": [Command.set(tax.ids)],
                }
            )
        sale_lines = self.env["sale.order.line"].with_context(skip_procurement=True).create(values)
        for item, sale_line in zip(items, sale_lines, strict=True):
            item.sale_line_id = sale_line
        return sale_lines.with_context(skip_procurement=False)

    def _szamlazz_procure(self, order, sale_lines):
        """The order's own delivery of ``sale_lines``: what leaves the warehouse. Goods
        coming back (a negative item) are not part of it; they come back on their own."""
        leaving = sale_lines.filtered(
            lambda line: (
                float_compare(line.product_uom_qty, 0, precision_rounding=line.product_uom.rounding)
                > 0
            )
        )
        if leaving:
            with _unlocked(order):
                leaving._action_launch_stock_rule()

    def _szamlazz_sale_taxes_by_key(self):
        """``{VAT key: taxes}`` of the company's sale taxes, best first: a key set on a tax
        before the rate of a percentage tax, taxes not included in the price first."""
        Tax = self.env["account.tax"]
        taxes = Tax.search(
            [*Tax._check_company_domain(self.company_id), ("type_tax_use", "=", "sale")],
            order="sequence, id",
        )
        by_key = defaultdict(list)
        for tax in taxes:
            key = tax.szamlazz_vat_key
            if not key and tax.amount_type == "percent" and tax.amount:
                try:
                    key = normalize_vat_key(tax.amount)
                except ValueError:
                    key = None
            if key:
                by_key[key].append(tax)
        return {
            key: Tax.union(
                *sorted(
                    found,
                    key=lambda tax: (not tax.szamlazz_vat_key, tax.price_include),
                )
            )
            for key, found in by_key.items()
        }

    def _szamlazz_item_tax(self, item, taxes, notes):
        """The sale tax of ``item``'s VAT key; no tax (said in ``notes``)
        when the key is unknown or Odoo has no tax for it."""
        try:
            key = normalize_vat_key(item.vat_rate)
        except ValueError:
            key = None
        tax = taxes.get(key, self.env["account.tax"])[:1] if key else self.env["account.tax"]
        if not tax:
            notes.append(
                _(
                    "No sale tax in Odoo has the Számlázz.hu VAT key %(key)s: the line "
                    "“%(item)s” has no tax.",
                    key=key or item.vat_rate or "-",
                    item=item.name,
                )
            )
        return tax

    def _szamlazz_complete_sale_order(self, order, lines):
        """Add the items found since (a product code fixed, Re-process) to the invoice's
        own order; returns the items its delivery carries: ``lines`` and the consumables
        that are not stocked (they have moves of their own on the delivery)."""
        items = self._szamlazz_order_items(lines)
        if items and order.state == "sale":
            notes = []
            sale_lines = self._szamlazz_add_order_lines(order, items, notes)
            self._szamlazz_procure(order, sale_lines)
            order.message_post(
                body="\n".join(
                    [
                        _(
                            "Added from the Számlázz.hu invoice %(number)s, whose products "
                            "Odoo found since: %(items)s.",
                            number=self.number,
                            items=", ".join(items.mapped("name")),
                        )
                    ]
                    + notes
                )
            )
        consumables = self._szamlazz_items_without_stock().filtered(
            lambda line: (
                line.sale_line_id
                and line.product_id.type == "consu"
                and float_compare(
                    line.quantity, 0, precision_rounding=line.product_id.uom_id.rounding
                )
                > 0
            )
        )
        return list(lines) + list(consumables)

    # -- delivery through the order ----------------------------------------------------------

    def _move_lines(self, lines, warehouse):
        """The invoice of a proforma made from an order validates that order's delivery:
        the goods are already reserved there, and a second transfer would ship them twice.
        A webshop invoice that makes its own order delivers it the same way."""
        order = self.proforma_id.sale_order_id or self.sale_order_id
        if not order and self.env.context.get(WEBSHOP_ORDER_CONTEXT):
            order = self._szamlazz_create_sale_order(lines, warehouse)
        if not order or order.state == "cancel":
            return super()._move_lines(lines, warehouse)
        if order.szamlazz_invoice_id == self:
            lines = self._szamlazz_complete_sale_order(order, lines)
        elif order.state in ("draft", "sent"):
            # Paying the proforma of a quotation is accepting it.
            order.action_confirm()
            order.message_post(
                body=_(
                    "Confirmed: the buyer paid the proforma %(proforma)s (invoice %(number)s).",
                    proforma=self.proforma_id.number or self.proforma_number,
                    number=self.number,
                )
            )
        remaining = self._deliver_sale_order(order, lines)
        if remaining:
            super()._move_lines(remaining, warehouse)
        return None

    def _deliver_sale_order(self, order, lines):
        """Validate the order's open deliveries with the invoice's quantities; the rest of
        the order stays in a backorder. Returns the lines the order does not carry.

        An item of the order made from this invoice fills its own order line's moves;
        an item of an order made in Odoo, the moves of its product."""
        own_order = order.szamlazz_invoice_id == self
        deliveries = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")
        open_moves = deliveries.move_ids.filtered(
            lambda move: move.state not in ("done", "cancel") and not move.szamlazz_invoice_line_id
        )
        shipped_products = deliveries.move_ids.filtered(lambda m: m.state == "done").product_id
        not_in_order = []
        for line in lines:
            if line.quantity < 0:
                # Goods coming back are a return, not part of the order's delivery.
                not_in_order.append(line)
                continue
            if own_order:
                line_moves = open_moves.filtered(
                    lambda move, sale_line=line.sale_line_id: (
                        sale_line and move.sale_line_id == sale_line
                    )
                )
                if line_moves:
                    open_moves -= self._fill_moves(line_moves, line)
                else:
                    not_in_order.append(line)
                continue
            product_moves = open_moves.filtered(
                lambda move, product=line.product_id: move.product_id == product
            )
            if product_moves:
                # Only the moves this line fills: another line of the same product (an
                # order may have several) takes the next ones.
                open_moves -= self._fill_moves(product_moves, line)
            elif line.product_id in shipped_products:
                # Shipped before it was paid: the order's delivery already moved it.
                line.stock_status = "covered"
            else:
                not_in_order.append(line)
        filled = order.picking_ids.move_ids.filtered(
            lambda move: move.szamlazz_invoice_line_id.invoice_id == self and move.state != "done"
        )
        pickings = filled.picking_id
        for picking in pickings:
            result = picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
            if result is not True or picking.state != "done":
                raise UserError(
                    _(
                        "The delivery %s needs a manual step (lots, serial numbers or another "
                        "check) and was not validated.",
                        picking.name,
                    )
                )
        if pickings:
            self.picking_ids = [Command.link(picking.id) for picking in pickings]
            if own_order:
                body = _(
                    "Delivery %(pickings)s validated with the quantities of the Számlázz.hu "
                    "invoice %(number)s.",
                    pickings=", ".join(pickings.mapped("name")),
                    number=self.number,
                )
            else:
                body = _(
                    "Delivery %(pickings)s validated: the proforma was paid and Számlázz.hu "
                    "issued the invoice %(number)s.",
                    pickings=", ".join(pickings.mapped("name")),
                    number=self.number,
                )
            order.message_post(body=body)
        return not_in_order

    def _fill_moves(self, moves, line):
        """Put the line's quantity on the order's moves of its product: a move of exactly
        that quantity first, then in order; what the order did not expect goes on the last
        one. Returns the moves filled."""
        product_uom = line.product_id.uom_id

        def expected(move):
            return move.product_uom._compute_quantity(move.product_uom_qty, product_uom)

        exact = moves.filtered(
            lambda move: (
                float_compare(
                    expected(move), line.quantity, precision_rounding=product_uom.rounding
                )
                == 0
            )
        )[:1]
        ordered = exact | (moves - exact)
        filled = moves.browse()
        left = line.quantity
        for move in ordered:
            quantity = left if move == ordered[-1] else min(left, expected(move))
            move.quantity = product_uom._compute_quantity(quantity, move.product_uom)
            move.picked = True
            move.szamlazz_invoice_line_id = line
            filled |= move
            left -= quantity
            if float_compare(left, 0, precision_rounding=product_uom.rounding) <= 0:
                break
        line.stock_status = "moved"
        return filled

    # -- storno ----------------------------------------------------------------------------

    def _return_cancelled_goods(self):
        """The storno of a webshop invoice that made an order: the goods come back as the
        return of the order's delivery (the core does it), and the order is marked, never
        cancelled (its delivery is done)."""
        problems = super()._return_cancelled_goods()
        original = self.referenced_invoice_id
        order = original.sale_order_id
        if problems or not order or order.szamlazz_invoice_id != original:
            return problems
        if any(self.number in (message.body or "") for message in order.message_ids):
            return problems
        returns = self.picking_ids.filtered(lambda picking: picking.state == "done")
        if returns:
            goods = _("The goods came back with %s.", ", ".join(returns.mapped("name")))
        else:
            goods = _("No goods of it had left the warehouse; nothing came back.")
        order.message_post(
            body=_(
                "Cancelled at Számlázz.hu: the storno %(storno)s cancels the invoice "
                "%(number)s. %(goods)s The order is kept as it is and has nothing to invoice.",
                storno=self.number,
                number=original.number,
                goods=goods,
            )
        )
        return problems
