from odoo import api, fields, models

from .szamlazz_invoice_reminder import REMINDER_KINDS


class ResPartner(models.Model):
    _inherit = "res.partner"

    szamlazz_currency_id = fields.Many2one(
        "res.currency", "Outstanding Currency", compute="_compute_szamlazz_outstanding"
    )
    szamlazz_amount_outstanding = fields.Monetary(
        string="Számlázz.hu Outstanding",
        currency_field="szamlazz_currency_id",
        compute="_compute_szamlazz_outstanding",
        help="What the buyer still owes on its Számlázz.hu invoices (gross minus the "
        "payments Számlázz.hu records), in the company's currency. Proformas are not "
        "debts and are left out.",
    )
    szamlazz_overdue_count = fields.Integer(
        string="Overdue Számlázz.hu Invoices", compute="_compute_szamlazz_outstanding"
    )

    def _szamlazz_open_invoice_domain(self):
        return [
            ("partner_id", "child_of", self.commercial_partner_id.ids),
            ("company_id", "in", self.env.companies.ids),
            ("kind", "in", REMINDER_KINDS),
            ("cancelled", "=", False),
            ("amount_residual", "!=", 0),
        ]

    @api.depends_context("company", "allowed_company_ids")
    def _compute_szamlazz_outstanding(self):
        company = self.env.company
        currency = company.currency_id
        today = fields.Date.context_today(self)
        self.szamlazz_currency_id = currency
        self.szamlazz_amount_outstanding = 0.0
        self.szamlazz_overdue_count = 0
        partners = self.filtered("id")
        if not partners:
            return
        groups = (
            self.env["szamlazz.invoice"]
            .sudo()
            ._read_group(
                partners._szamlazz_open_invoice_domain(),
                ["partner_id", "currency_id", "due_date:day"],
                ["amount_residual:sum", "__count"],
            )
        )
        by_commercial = {}
        for partner in partners:
            by_commercial.setdefault(partner.commercial_partner_id, self.browse())
            by_commercial[partner.commercial_partner_id] |= partner
        totals, overdue = {}, {}
        for buyer, invoice_currency, due_date, residual, count in groups:
            commercial = buyer.commercial_partner_id
            amount = (invoice_currency or currency)._convert(residual, currency, company, today)
            totals[commercial] = totals.get(commercial, 0.0) + amount
            if due_date and due_date < today and residual > 0:
                overdue[commercial] = overdue.get(commercial, 0) + count
        for commercial, members in by_commercial.items():
            members.szamlazz_amount_outstanding = totals.get(commercial, 0.0)
            members.szamlazz_overdue_count = overdue.get(commercial, 0)

    def action_view_szamlazz_outstanding(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Open Számlázz.hu Invoices"),
            "res_model": "szamlazz.invoice",
            "view_mode": "list,form",
            "domain": self._szamlazz_open_invoice_domain(),
            "context": {"create": False},
        }
