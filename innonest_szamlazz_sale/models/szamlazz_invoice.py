from odoo import Command, _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class SzamlazzInvoice(models.Model):
    _inherit = "szamlazz.invoice"

    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        readonly=True,
        index="btree_not_null",
        help="The order this proforma was made from; its invoice delivers the order. On an "
        "invoice: the order it delivers, when Odoo never held the proforma it settles.",
    )

    def _move_lines(self, lines, warehouse):
        """The invoice of a proforma made from an order validates that order's delivery:
        the goods are already reserved there, and a second transfer would ship them twice."""
        order = self.proforma_id.sale_order_id or self.sale_order_id
        if not order or order.state == "cancel":
            return super()._move_lines(lines, warehouse)
        if order.state in ("draft", "sent"):
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
        the order stays in a backorder. Returns the lines the order does not carry."""
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
            order.message_post(
                body=_(
                    "Delivery %(pickings)s validated: the proforma was paid and Számlázz.hu "
                    "issued the invoice %(number)s.",
                    pickings=", ".join(pickings.mapped("name")),
                    number=self.number,
                )
            )
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
