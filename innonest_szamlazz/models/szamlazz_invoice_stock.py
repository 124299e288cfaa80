"""How a Számlázz.hu document moves stock.

SZ (invoice), VS (final invoice), SL (delivery note) and HS (corrective invoice) move
their items with the sign they carry: a positive quantity leaves the warehouse, a
negative one comes back. SS (storno) returns exactly what the cancelled document moved.
D (proforma), ES (prepayment) and JS move nothing. Each item is moved at most once (its
moves point back at it), so processing a document again never moves stock twice.

Documents another program issued (``issued_by``: an import from NAV Online Számla, QUiCK,
SMARTBooks) move nothing unless the account says so: the software that issued them (Odoo
itself, for a shop that reports its own invoices to NAV) moved the goods already.

Documents issued before the account's import start (``_import_start_date``) are history:
the stock counted when the shop connected already reflects them. They are mirrored but
move nothing, and neither does a correction (HS) of such a document or a storno whose
original moved nothing.
"""

from collections import defaultdict

from odoo import Command, _, api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, format_date

SIGNED_STOCK_KINDS = ("SZ", "VS", "SL", "HS")
# An invoice and a delivery note of the same order carry the same goods.
_SAME_GOODS = {"SZ": ("SL",), "VS": ("SL",), "SL": ("SZ", "VS")}


class SzamlazzInvoice(models.Model):
    _inherit = "szamlazz.invoice"

    @api.model
    def _find_products(self, company, identifiers):
        """``{identifier: product.product}`` for a batch: the variant's internal reference
        first, then the Számlázz.hu identifier. More than one product means ambiguous."""
        Product = self.env["product.product"]
        scope = [("company_id", "in", [False, company.id])]
        found = defaultdict(lambda: Product)
        if identifiers:
            for product in Product.search(scope + [("default_code", "in", list(identifiers))]):
                found[product.default_code] |= product
        missing = set(identifiers) - set(found)
        if missing:
            for product in Product.search(scope + [("szamlazz_identifier", "in", list(missing))]):
                found[product.szamlazz_identifier] |= product
        return dict(found)

    def _apply_stock(self, products):
        """Move what this document moves and has not moved yet; readable problems back."""
        self.ensure_one()
        pending = self.line_ids.filtered(lambda line: not line.stock_move_ids)
        history_reason = self._before_import_start_reason()
        if history_reason:
            self._leave_history_alone(pending, history_reason)
            return []
        if self.issued_by and not self.account_id.move_stock_issued_elsewhere:
            self._leave_issued_elsewhere_alone(pending)
            return []
        if self.kind == "SS":
            return self._return_cancelled_goods()
        if self.kind not in SIGNED_STOCK_KINDS:
            pending.stock_status = "no_stock_effect"
            return []
        covering = self._document_covering_stock()
        if covering or (self.cancelled and pending == self.line_ids):
            # The goods left with the other document, or the storno came before any stock
            # moved: moving them now would count them twice.
            pending.stock_status = "covered"
            if covering:
                self.message_post(
                    body=_(
                        "Stock not moved: %(other)s of the same order already moved the goods.",
                        other=covering.number,
                    )
                )
            return []
        problems, to_move = [], []
        for line in pending:
            product = products.get(line.identifier) if line.identifier else None
            if not line.identifier:
                line.stock_status = "no_identifier"
                problems.append(
                    _("Item “%s” has no identifier, no stock was moved for it.", line.name)
                )
            elif not product:
                line.stock_status = "unknown_product"
                problems.append(
                    _(
                        "Item “%(name)s”: no product has the code %(code)s.",
                        name=line.name,
                        code=line.identifier,
                    )
                )
            elif len(product) > 1:
                line.stock_status = "ambiguous_product"
                problems.append(
                    _(
                        "Item “%(name)s”: several products have the code %(code)s.",
                        name=line.name,
                        code=line.identifier,
                    )
                )
            else:
                line.product_id = product
                if not product.is_storable:
                    line.stock_status = "not_storable"
                elif float_is_zero(line.quantity, precision_rounding=product.uom_id.rounding):
                    line.stock_status = "no_stock_effect"
                else:
                    to_move.append(line)
        if to_move:
            self._move_lines(to_move)
        return problems

    def _before_import_start_reason(self):
        """Why this document moves no stock as history of the time before the import
        start, or False. A storno or a correction follows the document it refers to: what
        that one moved nothing for, they neither return nor move."""
        start = self.account_id._import_start_date()
        if not start or self.kind not in SIGNED_STOCK_KINDS + ("SS",):
            return False
        original = self.referenced_invoice_id
        if (
            self.kind in ("SS", "HS")
            and original.issue_date
            and original.issue_date < start
            and not original.line_ids.stock_move_ids
        ):
            if self.kind == "SS":
                message = _(
                    "Cancels %(number)s, issued before %(date)s, when the Számlázz.hu import "
                    "started: it moved no stock, so nothing is returned."
                )
            else:
                message = _(
                    "Corrects %(number)s, issued before %(date)s, when the Számlázz.hu import "
                    "started: it moved no stock, so neither does this correction."
                )
            return message % {"number": original.number, "date": format_date(self.env, start)}
        if self.issue_date and self.issue_date < start and not (self.kind == "SS" and original):
            return _(
                "Issued before %(date)s, when the Számlázz.hu import started: no stock moved.",
                date=format_date(self.env, start),
            )
        return False

    def _leave_history_alone(self, lines, reason):
        """Mark ``lines`` as history, telling why once (a payment brings the document
        again, the reason stays the same)."""
        unmarked = lines.filtered(lambda line: line.stock_status != "before_import_start")
        if unmarked:
            self._note_once(reason)
            unmarked.stock_status = "before_import_start"

    def _leave_issued_elsewhere_alone(self, lines):
        """Mark ``lines`` as issued by other software, telling why once."""
        unmarked = lines.filtered(lambda line: line.stock_status != "issued_elsewhere")
        if unmarked:
            software = dict(self._fields["issued_by"]._description_selection(self.env))
            self._note_once(
                _(
                    "Issued by %(software)s, not by Számlázz.hu: no stock moved, the software "
                    "that issued it is expected to have moved the goods. To move stock for such "
                    "documents, turn on “Move Stock for Documents Issued Elsewhere” on the "
                    "Számlázz.hu account.",
                    software=software[self.issued_by],
                )
            )
            unmarked.stock_status = "issued_elsewhere"

    def _note_once(self, text):
        """Post ``text`` unless the document says it already (a new version of it, its
        items taken again, tells the same)."""
        if not any(text in (message.body or "") for message in self.message_ids):
            self.message_post(body=text)

    def _document_covering_stock(self):
        """The invoice or delivery note of the same order that already moved the goods."""
        if not self.order_number or self.kind not in _SAME_GOODS:
            return self.browse()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("order_number", "=", self.order_number),
                ("kind", "in", _SAME_GOODS[self.kind]),
                ("cancelled", "=", False),
                ("id", "!=", self.id),
                ("line_ids.stock_move_ids.state", "=", "done"),
            ],
            limit=1,
        )

    def _stock_warehouse(self):
        """The warehouse mapped to the document's prefix, else the company's first one."""
        prefix = self.env["szamlazz.prefix"].search(
            [("account_id", "=", self.account_id.id), ("name", "=", self.number_prefix)], limit=1
        )
        warehouse = prefix.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        if not warehouse:
            raise UserError(
                _("The company %s has no warehouse to move the goods from.", self.company_id.name)
            )
        return warehouse

    def _move_lines(self, lines):
        warehouse = self._stock_warehouse()
        stock_location = warehouse.lot_stock_id
        customer_location = self.partner_id.property_stock_customer or self.env.ref(
            "stock.stock_location_customers"
        )
        return_type = warehouse.out_type_id.return_picking_type_id or warehouse.in_type_id
        directions = (
            (warehouse.out_type_id, stock_location, customer_location, lambda qty: qty > 0),
            (return_type, customer_location, stock_location, lambda qty: qty < 0),
        )
        for picking_type, source, destination, belongs in directions:
            moving = [line for line in lines if belongs(line.quantity)]
            if moving:
                self._create_done_picking(
                    picking_type,
                    source,
                    destination,
                    [self._line_move_values(line, source, destination) for line in moving],
                )
        for line in lines:
            line.stock_status = "moved"

    def _line_move_values(self, line, location, location_dest):
        return {
            "name": line.name,
            "product_id": line.product_id.id,
            "product_uom": line.product_id.uom_id.id,
            "product_uom_qty": abs(line.quantity),
            "location_id": location.id,
            "location_dest_id": location_dest.id,
            "szamlazz_invoice_line_id": line.id,
        }

    def _return_cancelled_goods(self):
        """A storno brings back what the cancelled document moved and is not back yet."""
        original = self.referenced_invoice_id
        self.line_ids.stock_status = "no_stock_effect"
        if not original:
            return [
                _(
                    "The cancelled document %s is not in Odoo yet; the storno will be "
                    "processed when it arrives.",
                    self.referenced_number or "?",
                )
            ]
        if original.state == "received":
            return [
                _(
                    "The cancelled document %s is not processed yet; the storno will be "
                    "processed after it.",
                    original.number,
                )
            ]
        moved = original.line_ids.stock_move_ids.filtered(lambda move: move.state == "done")
        already_back = self.env["stock.move"].search(
            [("origin_returned_move_id", "in", moved.ids), ("state", "!=", "cancel")]
        )
        back_by_move = defaultdict(float)
        for move in already_back:
            back_by_move[move.origin_returned_move_id.id] += move.product_qty
        storno_line_of = self._storno_lines_by_original_line(original)
        to_return = defaultdict(dict)  # picking -> {move: quantity}
        for move in moved:
            quantity = move.product_qty - back_by_move[move.id]
            if float_compare(quantity, 0, precision_rounding=move.product_uom.rounding) > 0:
                to_return[move.picking_id][move] = quantity
        for picking, quantities in to_return.items():
            self._return_picking(picking, quantities, storno_line_of)
        for line in self.line_ids.filtered("stock_move_ids"):
            line.stock_status = "moved"
        return []

    def _storno_lines_by_original_line(self, original):
        """``{original line: storno line}``: the storno repeats the items in their order, so
        the n-th item of an identifier answers the n-th one (two items may share a SKU)."""
        storno_lines = defaultdict(list)
        for line in self.line_ids.sorted(lambda line: (line.sequence, line.id)):
            storno_lines[line.identifier].append(line)
        pairs = {}
        seen = defaultdict(int)
        for line in original.line_ids.sorted(lambda line: (line.sequence, line.id)):
            candidates = storno_lines.get(line.identifier, [])
            if seen[line.identifier] < len(candidates):
                pairs[line] = candidates[seen[line.identifier]]
            seen[line.identifier] += 1
        return pairs

    def _return_picking(self, picking, quantities, storno_line_of):
        """Odoo's own return of ``picking`` for ``{move: quantity}``, validated: the goods
        come back as a return of the delivery they left with."""
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=picking.id, active_model="stock.picking", active_ids=picking.ids
            )
            .create({"picking_id": picking.id})
        )
        for return_line in wizard.product_return_moves:
            return_line.quantity = quantities.get(return_line.move_id, 0.0)
        returned = wizard._create_return()
        returned.origin = "%s (%s)" % (returned.origin, self.number)
        for move in returned.move_ids:
            line = storno_line_of.get(move.origin_returned_move_id.szamlazz_invoice_line_id)
            move.szamlazz_invoice_line_id = line.id if line else False
        self._validate_done(returned)
        return returned

    def _create_done_picking(self, picking_type, location, location_dest, move_values):
        """Create and validate a transfer of the document's quantities."""
        origin = self.number + (" / %s" % self.order_number if self.order_number else "")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": self.partner_id.id,
                "origin": origin,
                "location_id": location.id,
                "location_dest_id": location_dest.id,
                "company_id": self.company_id.id,
                "move_ids": [
                    Command.create(dict(values, company_id=self.company_id.id))
                    for values in move_values
                ],
            }
        )
        picking.action_confirm()
        self._validate_done(picking)
        return picking

    def _validate_done(self, picking):
        """Validate ``picking`` with no wizard: the quantities are the document's, no
        backorder is kept, stock may go negative where the company allows it."""
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        result = picking.with_context(
            skip_backorder=True,
            picking_ids_not_to_backorder=picking.ids,
            skip_sms=True,
        ).button_validate()
        if result is not True or picking.state != "done":
            raise UserError(
                _(
                    "The transfer %s needs a manual step (lots, serial numbers or "
                    "another check) and was not validated.",
                    picking.name,
                )
            )
        self.picking_ids = [Command.link(picking.id)]
