from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import document_kinds


class ResPartner(models.Model):
    _inherit = "res.partner"

    szamlazz_identifier = fields.Char(
        string="Számlázz.hu Buyer Identifier",
        index="btree_not_null",
        copy=False,
        help="The buyer identifier (azonosito) on Számlázz.hu invoices; invoices that "
        "carry it are matched to this contact.",
    )
    szamlazz_supplier_id = fields.Integer(
        string="Számlázz.hu Supplier ID",
        index="btree_not_null",
        copy=False,
        help="Számlázz.hu's id of this supplier (szallito/id) on incoming invoices; "
        "remembered when an incoming invoice is matched to this contact.",
    )
    szamlazz_buyer_key = fields.Char(
        "Számlázz.hu Buyer Key",
        copy=False,
        readonly=True,
        help="Set on a partner the import created from a document's buyer: the company and "
        "what Számlázz.hu names that buyer by. Unique, so that two workers importing the "
        "same new buyer at once make one partner; later documents of that buyer find it "
        "by this key even once the partner was edited.",
    )
    szamlazz_document_count = fields.Integer(
        "Számlázz.hu documents",
        compute="_compute_szamlazz_document_count",
        groups="innonest_szamlazz.group_szamlazz_user",
    )

    _sql_constraints = [
        (
            "szamlazz_buyer_key_unique",
            "unique(szamlazz_buyer_key)",
            "Another partner was made from the same Számlázz.hu buyer.",
        ),
    ]

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

    def _compute_szamlazz_document_count(self):
        Invoice = self.env["szamlazz.invoice"]
        for partner in self:
            partner.szamlazz_document_count = partner._origin.id and Invoice.search_count(
                [("partner_id", "child_of", partner._origin.id)]
            )

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

    @api.constrains("szamlazz_identifier", "company_id")
    def _check_szamlazz_identifier_unique(self):
        """Számlázz.hu files every invoice carrying a buyer identifier under that buyer:
        two partners sharing one would mix up their invoices, balances and reminders."""
        partners = self.filtered("szamlazz_identifier")
        if not partners:
            return
        holders = self.with_context(active_test=False).search_read(
            [("szamlazz_identifier", "in", partners.mapped("szamlazz_identifier"))],
            ["szamlazz_identifier", "company_id", "display_name"],
        )
        for partner in partners:
            for holder in holders:
                shares_company = (
                    not holder["company_id"]
                    or not partner.company_id
                    or holder["company_id"][0] == partner.company_id.id
                )
                if (
                    holder["id"] != partner.id
                    and holder["szamlazz_identifier"] == partner.szamlazz_identifier
                    and shares_company
                ):
                    raise ValidationError(
                        _(
                            "The Számlázz.hu buyer identifier %(identifier)s already belongs to "
                            "%(other)s. Each buyer needs its own identifier.",
                            identifier=partner.szamlazz_identifier,
                            other=holder["display_name"],
                        )
                    )

    def _szamlazz_open_invoice_domain(self):
        return [
            ("partner_id", "child_of", self.commercial_partner_id.ids),
            ("company_id", "in", self.env.companies.ids),
            ("kind", "in", document_kinds.codes(debt=True)),
            ("cancelled", "=", False),
            ("amount_residual", "!=", 0),
        ]

    def _szamlazz_ensure_identifier(self):
        """The buyer identifier sent to Számlázz.hu, generated and stored on first use.

        Built from the database and partner ids, so it can never be another partner's
        (nor another Odoo database's on the same Számlázz.hu account)."""
        self.ensure_one()
        if not self.szamlazz_identifier:
            self.sudo().szamlazz_identifier = self.env["szamlazz.account"]._odoo_reference(self.id)
        return self.szamlazz_identifier

    def action_view_szamlazz_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "innonest_szamlazz.szamlazz_invoice_action"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        return action

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
