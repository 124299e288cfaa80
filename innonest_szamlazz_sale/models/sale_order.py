from odoo import Command, _, api, fields, models
from odoo.addons.innonest_szamlazz.models.szamlazz_agent_write import PENDING_STATES
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    szamlazz_proforma_id = fields.Many2one(
        "szamlazz.invoice",
        string="Számlázz.hu Proforma",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    szamlazz_proforma_payment_state = fields.Selection(
        related="szamlazz_proforma_id.payment_state", string="Proforma Payment"
    )
    szamlazz_invoice_id = fields.Many2one(
        "szamlazz.invoice",
        string="Számlázz.hu Invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The webshop invoice this order was made from: the order is invoiced by it, "
        "at Számlázz.hu, and never asks to be invoiced in Odoo.",
    )
    szamlazz_billing_invoice_id = fields.Many2one(
        "szamlazz.invoice",
        string="Invoiced by",
        compute="_compute_szamlazz_billing_invoice_id",
        # Searchable so that a payment of that invoice refreshes the order's payment state.
        search="_search_szamlazz_billing_invoice_id",
        # Salespeople outside the Számlázz.hu groups open these orders too.
        compute_sudo=True,
        help="The Számlázz.hu invoice of this order: the webshop invoice it was made from, "
        "or the invoice its paid proforma became. The order is invoiced by it, never again "
        "in Odoo.",
    )
    szamlazz_invoice_payment_state = fields.Selection(
        related="szamlazz_billing_invoice_id.payment_state", string="Számlázz.hu Payment"
    )
    szamlazz_cancelled = fields.Boolean(
        string="Cancelled at Számlázz.hu",
        related="szamlazz_invoice_id.cancelled",
        store=True,
        help="The Számlázz.hu invoice of this order was cancelled by a storno; the goods "
        "came back as a return of the order's delivery. The order itself is kept.",
    )

    szamlazz_pending_write_id = fields.Many2one(
        "szamlazz.agent.write",
        compute="_compute_szamlazz_pending_write_id",
        string="Proforma Being Checked",
    )
    szamlazz_pending_write_message = fields.Char(
        string="Proforma Check", compute="_compute_szamlazz_pending_write_id"
    )

    @api.depends("szamlazz_invoice_id", "szamlazz_proforma_id.final_invoice_id")
    def _compute_szamlazz_billing_invoice_id(self):
        for order in self:
            order.szamlazz_billing_invoice_id = (
                order.szamlazz_invoice_id or order.szamlazz_proforma_id.final_invoice_id
            )

    def _search_szamlazz_billing_invoice_id(self, operator, value):
        return [
            "|",
            "&",
            ("szamlazz_invoice_id", "!=", False),
            ("szamlazz_invoice_id", operator, value),
            "&",
            ("szamlazz_invoice_id", "=", False),
            ("szamlazz_proforma_id.final_invoice_id", operator, value),
        ]

    def _compute_szamlazz_pending_write_id(self):
        writes = (
            self.env["szamlazz.agent.write"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("kind", "=", "proforma"),
                    ("state", "in", PENDING_STATES),
                ]
            )
        )
        by_order = {write.res_id: write for write in writes}
        for order in self:
            write = by_order.get(order.id, writes.browse())
            order.szamlazz_pending_write_id = write
            order.szamlazz_pending_write_message = write._pending_message() if write else False

    def action_szamlazz_proforma(self):
        """The order's proforma: the existing one, the one on its way (checked now), or the
        wizard filled from the order."""
        self.ensure_one()
        if self.szamlazz_proforma_id:
            return self.action_view_szamlazz_proforma()
        if self.szamlazz_pending_write_id:
            answer = self.szamlazz_pending_write_id._answer_repeated_click()
            if self.szamlazz_proforma_id:
                return self.action_view_szamlazz_proforma()
            if answer is not None:
                return answer
        lines = self._szamlazz_proforma_lines()
        if not lines:
            raise UserError(_("Add a product to the order before asking for a proforma."))
        return (
            self.env["szamlazz.proforma.wizard"]
            .with_company(self.company_id)
            ._action_open(
                {
                    "company_id": self.company_id.id,
                    "sale_order_id": self.id,
                    "partner_id": self.partner_invoice_id.id,
                    "currency_id": self.currency_id.id,
                    "exchange_rate": self._szamlazz_exchange_rate(),
                    "order_number": self.name,
                    "line_ids": [
                        Command.create(line._szamlazz_proforma_line_values()) for line in lines
                    ],
                }
            )
        )

    def _szamlazz_proforma_lines(self):
        """The order lines a proforma asks payment for."""
        return self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment and line.product_uom_qty
        )

    def _szamlazz_exchange_rate(self):
        """HUF per unit of a foreign-currency order, at the order's date, as Odoo's rates
        say; 0 (Számlázz.hu takes the MNB rate) when Odoo has no forint rate."""
        forint = self.env.ref("base.HUF")
        if self.currency_id == forint or not forint.active:
            return 0.0
        date = self.date_order or fields.Date.today()
        # Odoo converts at 1.0 a currency it has no rate of: that is no rate at all.
        unrated = (self.currency_id | forint) - self.company_id.currency_id
        rated = (
            self.env["res.currency.rate"]
            .search(
                [
                    ("currency_id", "in", unrated.ids),
                    ("name", "<=", date),
                    ("company_id", "in", [False, self.company_id.id]),
                ]
            )
            .currency_id
        )
        if unrated - rated:
            return 0.0
        return self.currency_id._get_conversion_rate(
            self.currency_id, forint, self.company_id, date
        )

    def action_view_szamlazz_proforma(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "szamlazz.invoice",
            "res_id": self.szamlazz_proforma_id.id,
            "view_mode": "form",
        }

    def action_view_szamlazz_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "szamlazz.invoice",
            "res_id": self.szamlazz_billing_invoice_id.id,
            "view_mode": "form",
        }
