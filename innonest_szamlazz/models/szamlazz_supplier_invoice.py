"""Supplier invoices Számlázz.hu's data connection sends (``szamlabe``): goods to receive.

Each arrival is parsed once by the push endpoint and stored here before it is
acknowledged: the XML as it came (one attachment per version) and the mirror of what it
says. Processing, run by the account's import pass, matches the supplier (as Számlázz.hu
matches partners, created as a vendor when none matches), matches each item to a product
(the supplier's own code or name on the product's vendor lines, then the internal
reference) and puts the goods on an incoming transfer of the account's receiving
warehouse, confirmed but not validated: the warehouse counts them when they arrive. An
item no product matches waits for a person to map it; the mapping is remembered as a
vendor line, so that item of that supplier is matched by itself next time. A storno
cancels the transfer, or, when the goods were already received, asks for their return.
"""

import hashlib
from collections import defaultdict

import psycopg2
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..exceptions import IntakeConflictError
from ..szamlazz_agent import Address, Seller, errors
from ..tools import document_kinds
from ..tools.column_limits import unstorable_values
from .szamlazz_document_state_mixin import STATES


def _amount(value):
    return float(value) if value is not None else 0.0


class SzamlazzSupplierInvoice(models.Model):
    _name = "szamlazz.supplier.invoice"
    _description = "Számlázz.hu supplier invoice"
    _inherit = ["mail.thread", "szamlazz.document.state.mixin"]
    _order = "issue_date desc, id desc"
    _rec_name = "number"
    _check_company_auto = True

    number = fields.Char(required=True, readonly=True, index=True, help="The supplier's number.")
    account_id = fields.Many2one(
        "szamlazz.account", required=True, readonly=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    identity = fields.Char(
        required=True,
        readonly=True,
        help="What makes an arrival the same invoice: Számlázz.hu's id of it, else the "
        "supplier and its number.",
    )
    internal_id = fields.Integer("Számlázz.hu id", readonly=True)
    economic_event_id = fields.Integer(
        "Economic Event ID", readonly=True, help="gazdEsemAzon: an invoice and its storno share it."
    )
    # The diagram and its transitions: szamlazz.document.state.mixin.
    state = fields.Selection(
        STATES, default="received", required=True, readonly=True, index=True, tracking=True
    )
    state_reason = fields.Text("Reason", readonly=True)
    received_date = fields.Datetime(readonly=True, help="When the latest version arrived.")
    content_sha256 = fields.Char("Content SHA-256", readonly=True)
    arrival_attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Arrivals",
        readonly=True,
        help="Every version Számlázz.hu sent, exactly as it came.",
    )
    pdf_attachment_id = fields.Many2one("ir.attachment", "PDF", readonly=True)
    read_problems = fields.Text("Unreadable Parts", readonly=True)

    kind = fields.Selection(document_kinds.SELECTION, readonly=True)
    issue_date = fields.Date(readonly=True)
    fulfillment_date = fields.Date(readonly=True)
    due_date = fields.Date(readonly=True)
    payment_method = fields.Char(readonly=True)
    currency_code = fields.Char("Currency code", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_net = fields.Monetary("Net", readonly=True)
    amount_vat = fields.Monetary("VAT", readonly=True)
    amount_gross = fields.Monetary("Gross", readonly=True)
    order_number = fields.Char(readonly=True)
    note = fields.Text(readonly=True)
    is_test = fields.Boolean("Test document", readonly=True)
    cancelled = fields.Boolean("Cancelled (storno)", readonly=True, tracking=True)
    referenced_number = fields.Char("Referenced invoice number", readonly=True, index=True)
    referenced_invoice_id = fields.Many2one(
        "szamlazz.supplier.invoice", "Referenced invoice", readonly=True, check_company=True
    )

    partner_id = fields.Many2one(
        "res.partner", "Supplier", readonly=True, index=True, tracking=True
    )
    supplier_szamlazz_id = fields.Integer("Supplier's Számlázz.hu id", readonly=True)
    supplier_name = fields.Char(readonly=True)
    supplier_tax_number = fields.Char(readonly=True)
    supplier_eu_tax_number = fields.Char("Supplier EU VAT Number", readonly=True)
    supplier_zip = fields.Char(readonly=True)
    supplier_city = fields.Char(readonly=True)
    supplier_street = fields.Char(readonly=True)
    supplier_country = fields.Char(readonly=True)
    supplier_bank_account = fields.Char(readonly=True)

    line_ids = fields.One2many("szamlazz.supplier.invoice.line", "invoice_id", "Items")
    picking_ids = fields.Many2many("stock.picking", string="Receipts", readonly=True)
    picking_count = fields.Integer("Receipt Count", compute="_compute_picking_count")

    _sql_constraints = [
        (
            "identity_uniq",
            "unique(account_id, identity)",
            "A supplier invoice is kept once per Számlázz.hu account.",
        ),
    ]

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for invoice in self:
            invoice.picking_count = len(invoice.picking_ids)

    # -- intake ----------------------------------------------------------------------------

    @api.model
    def _store_document(self, account, document):
        """Store one ``IncomingInvoice`` of ``account`` before anything else happens to it.

        A replay (the same bytes or the same content) changes nothing; a new version is
        kept beside the earlier ones and processed again. Raises
        :class:`~..szamlazz_agent.errors.InvalidResponseError` when a value does not fit its
        column and :class:`~..exceptions.IntakeConflictError` when another transaction is
        storing the same new invoice at this very moment."""
        unstorable = unstorable_values(document)
        if unstorable:
            raise errors.InvalidResponseError(
                None, "the document cannot be stored: %s" % "; ".join(unstorable)
            )
        # ir.attachment's own checksum (SHA-1 of the bytes) tells a byte-for-byte replay.
        checksum = hashlib.sha1(document.raw, usedforsecurity=False).hexdigest()
        identity = self._identity_of(document)
        # As lean as the outgoing invoices' intake: no chatter, no tracking.
        invoices = self.sudo().with_context(tracking_disable=True)
        # What the caller does next with the invoice is tracked again.
        returned = self.sudo().env
        invoice = invoices.search(
            [("account_id", "=", account.id), ("identity", "=", identity)], limit=1
        )
        if invoice and (
            invoice.content_sha256 == document.content_sha256
            or checksum in invoice.arrival_attachment_ids.mapped("checksum")
        ):
            return invoice.with_env(returned)
        values = dict(
            self._mirror_values(document, invoice),
            received_date=fields.Datetime.now(),
            content_sha256=document.content_sha256,
        )
        if invoice:
            invoice.write(values)
            invoice._set_received()
        else:
            values.update(account_id=account.id, identity=identity, number=document.number)
            try:
                with self.env.cr.savepoint():
                    invoice = invoices.create(values)
            except psycopg2.errors.UniqueViolation:
                raise IntakeConflictError(document.number) from None
        Attachment = self.env["ir.attachment"].sudo()
        arrival = Attachment.create(
            {
                "name": "%s-%d.xml" % (document.number, len(invoice.arrival_attachment_ids) + 1),
                "raw": document.raw,
                "mimetype": "application/xml",
                "res_model": self._name,
                "res_id": invoice.id,
            }
        )
        invoice.arrival_attachment_ids = [Command.link(arrival.id)]
        if document.pdf and not invoice.pdf_attachment_id:
            invoice.pdf_attachment_id = Attachment.create(
                {
                    "name": "%s.pdf" % document.number,
                    "raw": document.pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": invoice.id,
                }
            )
        self.env["szamlazz.account"]._trigger_import()
        return invoice.with_env(returned)

    @api.model
    def _identity_of(self, document):
        if document.internal_id:
            return "id:%d" % document.internal_id
        supplier = document.supplier
        who = (supplier and (supplier.tax_number or supplier.name)) or ""
        return "number:%s/%s" % (who, document.number)

    def _mirror_values(self, document, stored):
        """What the mirror takes from a version; items only while none is on a transfer
        (an issued invoice's items never change; once received, the lines keep them)."""
        supplier = document.supplier
        address = supplier.address if supplier else None
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", document.currency)], limit=1)
            if document.currency
            else self.env["res.currency"]
        )
        values = {
            "internal_id": document.internal_id,
            "economic_event_id": document.economic_event_id,
            "kind": document.kind if document_kinds.kind_of(document.kind) else False,
            "issue_date": document.issue_date,
            "fulfillment_date": document.fulfillment_date,
            "due_date": document.due_date,
            "payment_method": document.payment_method,
            "currency_code": document.currency,
            "currency_id": currency.id,
            "amount_net": _amount(document.net),
            "amount_vat": _amount(document.vat),
            "amount_gross": _amount(document.gross),
            "order_number": document.order_number,
            "note": document.note,
            "is_test": document.test,
            "cancelled": document.cancelled or stored.cancelled,
            "referenced_number": document.referenced_invoice,
            "read_problems": "; ".join(document.problems) or False,
            "supplier_szamlazz_id": supplier.id if supplier else False,
            "supplier_name": supplier.name if supplier else False,
            "supplier_tax_number": supplier.tax_number if supplier else False,
            "supplier_eu_tax_number": supplier.eu_tax_number if supplier else False,
            "supplier_zip": address.zip if address else False,
            "supplier_city": address.city if address else False,
            "supplier_street": address.street if address else False,
            "supplier_country": address.country if address else False,
            "supplier_bank_account": supplier.bank_account if supplier else False,
        }
        if not stored.line_ids.move_ids:
            values["line_ids"] = [Command.clear()] + [
                Command.create(
                    {
                        "sequence": item.ordering or index,
                        "name": item.name or item.identifier or _("Item %s", index),
                        "identifier": (item.identifier or "").strip() or False,
                        "quantity": _amount(item.quantity),
                        "unit": item.unit,
                        "net_unit_price": _amount(item.net_unit_price),
                        "vat_rate": item.vat_type
                        or (item.vat_rate is not None and "%s" % item.vat_rate.normalize())
                        or False,
                        "amount_net": _amount(item.net),
                        "amount_gross": _amount(item.gross),
                    }
                )
                for index, item in enumerate(document.items, start=1)
            ]
        return values

    def _supplier(self):
        """The supplier as the current version names it (the matcher's input)."""
        self.ensure_one()
        return Seller(
            id=self.supplier_szamlazz_id or None,
            name=self.supplier_name or "",
            address=Address(
                country=self.supplier_country,
                zip=self.supplier_zip,
                city=self.supplier_city,
                street=self.supplier_street,
            ),
            tax_number=self.supplier_tax_number,
            eu_tax_number=self.supplier_eu_tax_number,
            group_id=None,
            bank_name=None,
            bank_account=self.supplier_bank_account,
        )

    # -- processing ------------------------------------------------------------------------

    @api.model
    def _process_inbox_batch(self, accounts, limit):
        """Process up to ``limit`` received supplier invoices of ``accounts``, stornos
        after the invoices they cancel; ``(processed, remaining)``. Rows another worker
        holds are skipped."""
        if not accounts:
            return 0, 0
        batch = self._lock_received_batch(limit, accounts)
        batch._process()
        return len(batch), self.sudo().search_count(self._inbox_domain(accounts))

    def _batch_lookups(self, invoices):
        """The suppliers of a batch, matched at once: ``partners`` (invoice id → (partner,
        rule)) and ``new_partners`` (supplier key → partner created in this batch)."""
        lookups = {"partners": {}, "new_partners": {}}
        matcher = self.env["szamlazz.buyer.matcher"]
        for company in invoices.company_id:
            unmatched = invoices.filtered(
                lambda invoice, company=company: (
                    invoice.company_id == company
                    and not invoice.partner_id
                    and invoice.supplier_name
                )
            )
            matches = matcher._match_suppliers(company, [inv._supplier() for inv in unmatched])
            for index, match in matches.items():
                lookups["partners"][unmatched[index].id] = match
        return lookups

    def _process_document(self, lookups):
        self.ensure_one()
        if not self.supplier_name:
            self._set_needs_attention(
                _("Számlázz.hu sent this invoice without its supplier: %s", self.read_problems)
            )
            return
        self._assign_partner(lookups)
        kind = document_kinds.kind_of(self.kind)
        if self.read_problems:
            reason = _(
                "Számlázz.hu sent parts of this invoice that Odoo cannot read, so nothing "
                "was received for it: %s.",
                self.read_problems,
            )
            self._set_needs_attention(reason)
        elif kind and kind.returns_goods:
            self._process_storno()
        elif not kind or not kind.stock_sign:
            self.line_ids.stock_status = "no_stock_effect"
            self._set_done(_("This kind of document brings no goods."))
        elif self.cancelled or self._storno():
            self.cancelled = True
            received = self._cancel_receipts()
            self.line_ids.filtered(lambda line: not line.move_ids).stock_status = "no_stock_effect"
            self._set_done(
                _(
                    "Cancelled by the supplier's storno; what was received (%s) goes back "
                    "with the storno's Return Goods.",
                    ", ".join(received.mapped("name")),
                )
                if received
                else _("Cancelled by the supplier's storno: nothing to receive.")
            )
        else:
            problems = self._receive_goods()
            if problems:
                self._set_needs_attention("\n".join(problems))
            else:
                self._set_done()
        # A storno that waited for this invoice can go now.
        self.search(
            [
                ("account_id", "=", self.account_id.id),
                ("referenced_number", "=", self.number),
                ("partner_id", "=", self.partner_id.id),
                ("state", "=", "needs_attention"),
                ("id", "!=", self.id),
            ]
        )._set_received()

    def _assign_partner(self, lookups):
        """The supplier matched once (Számlázz.hu's order), else created as a vendor; a
        matched partner learns the supplier's Számlázz.hu id and keeps its other data."""
        if self.partner_id:
            return
        matcher = self.env["szamlazz.buyer.matcher"]
        supplier = self._supplier()
        keys = [("supplier_id", supplier.id)] if supplier.id else []
        keys += matcher._buyer_keys(matcher._supplier_as_buyer(supplier))
        match = lookups["partners"].get(self.id) or next(
            (
                (lookups["new_partners"][key], key[0])
                for key in keys
                if key in lookups["new_partners"]
            ),
            None,
        )
        if match:
            partner, rule = match
            self.partner_id = partner
            if supplier.id and not partner.szamlazz_supplier_id:
                partner.sudo().szamlazz_supplier_id = supplier.id
            rule_labels = {
                "identifier": _("Számlázz.hu supplier id"),
                "supplier_id": _("Számlázz.hu supplier id"),
                "tax_number": _("Hungarian tax number"),
                "eu_vat": _("EU VAT number"),
                "name_address": _("name and address"),
            }
            self.message_post(
                body=_(
                    "Supplier matched to %(partner)s by %(rule)s.",
                    partner=partner.display_name,
                    rule=rule_labels[rule],
                )
            )
        else:
            self.partner_id = (
                self.env["res.partner"].sudo().create(matcher._supplier_partner_values(supplier))
            )
            for key in keys:
                lookups["new_partners"].setdefault(key, self.partner_id)
            self.message_post(
                body=_(
                    "No partner matched the supplier; %s was created as a vendor.",
                    self.partner_id.display_name,
                )
            )

    def _storno(self):
        """The storno of this invoice already in Odoo, if any."""
        return self.search(
            [
                ("account_id", "=", self.account_id.id),
                ("kind", "in", document_kinds.codes(returns_goods=True)),
                ("referenced_number", "=", self.number),
                ("partner_id", "=", self.partner_id.id),
            ],
            limit=1,
        )

    # -- receiving goods -------------------------------------------------------------------

    def _receive_goods(self):
        """Match the items still open and put the matched goods on the invoice's open
        receipt (created when there is none). Returns the problems a person must solve."""
        open_lines = self.line_ids.filtered(
            lambda line: not line.move_ids and line.stock_status not in ("not_stock",)
        )
        self._match_products(open_lines.filtered(lambda line: not line.product_id))
        problems = []
        receivable = self.env["szamlazz.supplier.invoice.line"]
        for line in open_lines:
            if not line.product_id:
                continue
            if line.product_id.type != "consu":
                line.stock_status = "no_stock_effect"
            elif line.quantity <= 0:
                line.stock_status = "needs_hand"
                problems.append(
                    _(
                        "%(item)s has a quantity of %(quantity)s: goods going back to the "
                        "supplier are returned by hand.",
                        item=line.name,
                        quantity=line.quantity,
                    )
                )
            else:
                receivable |= line
        if receivable:
            self._put_on_receipt(receivable)
        unmapped = open_lines.filtered(lambda line: not line.product_id)
        for line in unmapped:
            problems.append(
                _(
                    "No product matches the supplier's item %(item)s%(code)s: choose its "
                    "product on the Items tab (Odoo remembers it for this supplier), or "
                    "mark it as not a stock item.",
                    item=line.name,
                    code=" (%s)" % line.identifier if line.identifier else "",
                )
                if line.stock_status != "ambiguous_product"
                else _(
                    "Several products match the supplier's item %s: choose the right one "
                    "on the Items tab.",
                    line.name,
                )
            )
        return problems

    def _match_products(self, lines):
        """Products for ``lines``: the supplier's vendor lines (its own code, then its item
        name), then the internal reference. Several candidates match none."""
        if not lines:
            return
        lines = lines.with_context(szamlazz_matching=True)
        supplier = self.partner_id.commercial_partner_id
        company_scope = [("company_id", "in", [False, self.company_id.id])]
        codes = {line.identifier for line in lines if line.identifier}
        names = {line.name for line in lines}
        by_code, by_name = defaultdict(set), defaultdict(set)
        for info in self.env["product.supplierinfo"].search(
            company_scope
            + [("partner_id", "=", supplier.id), "|"]
            + [("product_code", "in", list(codes) or [""]), ("product_name", "in", list(names))]
        ):
            products = info.product_id or info.product_tmpl_id.product_variant_ids
            if len(products) != 1:
                continue
            if info.product_code:
                by_code[info.product_code].add(products.id)
            if info.product_name:
                by_name[info.product_name].add(products.id)
        by_reference = defaultdict(set)
        for product in self.env["product.product"].search(
            company_scope + [("default_code", "in", list(codes))]
        ):
            by_reference[product.default_code].add(product.id)
        for line in lines:
            for candidates, rule in (
                (by_code.get(line.identifier) if line.identifier else None, "vendor_code"),
                (by_name.get(line.name), "vendor_name"),
                (by_reference.get(line.identifier) if line.identifier else None, "reference"),
            ):
                if not candidates:
                    continue
                if len(candidates) == 1:
                    line.write({"product_id": next(iter(candidates)), "match_rule": rule})
                else:
                    line.stock_status = "ambiguous_product"
                break
            else:
                line.stock_status = "unknown_product"

    def _warehouse(self):
        warehouse = self.account_id.receiving_warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        if not warehouse:
            raise UserError(
                _("The company %s has no warehouse to receive the goods in.", self.company_id.name)
            )
        return warehouse

    def _put_on_receipt(self, lines):
        """Add a move per line to the invoice's receipt still waiting to be validated, or
        to a new one; the receipt is confirmed, never validated here."""
        picking = self._receipts().filtered(
            lambda picking: picking.state not in ("done", "cancel")
        )[:1]
        if picking:
            source, destination = picking.location_id, picking.location_dest_id
        else:
            picking_type = self._warehouse().in_type_id
            source = self.partner_id.property_stock_supplier or self.env.ref(
                "stock.stock_location_suppliers"
            )
            destination = picking_type.default_location_dest_id
            picking = self.env["stock.picking"].create(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": self.partner_id.id,
                    "origin": self.number,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "company_id": self.company_id.id,
                }
            )
            self.picking_ids = [Command.link(picking.id)]
        moves = self.env["stock.move"].create(
            [
                {
                    "name": line.name,
                    "picking_id": picking.id,
                    "product_id": line.product_id.id,
                    "product_uom": line.product_id.uom_id.id,
                    "product_uom_qty": line.quantity,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "company_id": self.company_id.id,
                    "szamlazz_supplier_line_id": line.id,
                    # The supplier's price values the goods (average or FIFO costing).
                    "price_unit": self._company_price(line.net_unit_price),
                }
                for line in lines
            ]
        )
        moves._action_confirm()
        picking.action_assign()
        lines.stock_status = "on_receipt"

    def _receipts(self):
        """Every receipt of this invoice's goods: the ones Odoo made and their backorders
        (whose moves keep their item)."""
        return self.picking_ids | self.line_ids.move_ids.picking_id

    def _company_price(self, price):
        currency, company = self.currency_id, self.company_id
        if not currency or currency == company.currency_id:
            return price
        date = self.fulfillment_date or self.issue_date or fields.Date.today()
        return currency._convert(price, company.currency_id, company, date, round=False)

    def _cancel_receipts(self):
        """Cancel the receipts of this invoice not validated yet; the validated ones."""
        waiting = self._receipts().filtered(lambda picking: picking.state not in ("done", "cancel"))
        if waiting:
            waiting.action_cancel()
            self.message_post(
                body=_("Receipt %s cancelled: the supplier cancelled the invoice.")
                % ", ".join(waiting.mapped("name"))
            )
        return self._receipts().filtered(lambda picking: picking.state == "done")

    def _process_storno(self):
        """Cancel what the cancelled invoice put on a receipt; goods already received
        must go back to the supplier, which a person confirms (Return Goods)."""
        self.line_ids.stock_status = "no_stock_effect"
        original = self.search(
            [
                ("account_id", "=", self.account_id.id),
                ("id", "!=", self.id),
                ("kind", "not in", document_kinds.codes(returns_goods=True)),
                ("partner_id", "=", self.partner_id.id),
                ("number", "=", self.referenced_number),
            ],
            limit=1,
        )
        self.referenced_invoice_id = original
        if not original or original.state == "received":
            self._set_needs_attention(
                _(
                    "The cancelled invoice %s is not processed in Odoo yet; this storno is "
                    "processed after it.",
                    self.referenced_number or "?",
                )
            )
            return
        if not original.cancelled:
            original.cancelled = True
        received = original._cancel_receipts()
        returned = self.env["stock.picking"].search(
            [("return_id", "in", received.ids), ("state", "=", "done")]
        )
        not_back = received - returned.return_id
        if not_back:
            self._set_needs_attention(
                _(
                    "The goods of %(invoice)s were already received (%(receipts)s): send them "
                    "back to the supplier with Return Goods, then Re-process.",
                    invoice=original.number,
                    receipts=", ".join(not_back.mapped("name")),
                )
            )
            return
        self._set_done()

    # -- actions ---------------------------------------------------------------------------

    def _process_again(self):
        """Back to received and through processing at once (a person changed something)."""
        self.filtered(lambda invoice: invoice.state != "received")._set_received()
        self._process()

    def action_reprocess(self):
        """Process again (after a product, a vendor line or a return was added)."""
        self.sudo()._process_again()

    def action_view_pickings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "name": _("Receipts"),
            "view_mode": "list,form",
            "domain": [("id", "in", self.picking_ids.ids)],
            "context": {"create": False},
        }

    def action_return_goods(self):
        """Odoo's return of the receipt the cancelled invoice brought in, filled with what
        was received: the user checks it and confirms."""
        self.ensure_one()
        received = self.referenced_invoice_id._receipts().filtered(
            lambda picking: picking.state == "done"
        )
        returned = self.env["stock.picking"].search(
            [("return_id", "in", received.ids), ("state", "!=", "cancel")]
        )
        picking = (received - returned.return_id)[:1]
        if not picking:
            raise UserError(_("Nothing received for %s is still to be returned.", self.number))
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=picking.id, active_ids=picking.ids, active_model="stock.picking"
            )
            .create({"picking_id": picking.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = line.move_quantity
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.return.picking",
            "res_id": wizard.id,
            "name": _("Return Goods"),
            "view_mode": "form",
            "target": "new",
        }
