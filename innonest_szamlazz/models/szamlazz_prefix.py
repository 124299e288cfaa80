from odoo import api, fields, models


class SzamlazzPrefix(models.Model):
    """An invoice-number prefix seen at Számlázz.hu ("WEB" in "WEB-2026-12").

    Prefixes are learned from documents; a webshop prefix names the warehouse
    its invoices take the stock from.
    """

    _name = "szamlazz.prefix"
    _description = "Számlázz.hu Invoice Number Prefix"
    _order = "account_id, name"
    _check_company_auto = True

    @api.model
    def _default_account_id(self):
        # A prefix typed in by hand (a webshop not yet seen) belongs to the current company.
        return self.env["szamlazz.account"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )

    name = fields.Char(string="Prefix", required=True, index=True)
    active = fields.Boolean(default=True)
    account_id = fields.Many2one(
        "szamlazz.account",
        string="Számlázz.hu Account",
        required=True,
        ondelete="cascade",
        index=True,
        default=lambda self: self._default_account_id(),
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True, precompute=True
    )
    document_kind = fields.Selection(
        [("invoice", "Invoice"), ("proforma", "Proforma"), ("receipt", "Receipt")],
        required=True,
        default="invoice",
        help="Invoice: an invoice number series, which proformas share (D-WEB-2026-1). "
        "Proforma: a series used for proformas only. Receipt: a receipt (nyugta) series; "
        "its goods leave the warehouse below.",
    )
    is_webshop = fields.Boolean(
        string="Webshop",
        help="Invoices with this prefix are issued by a webshop: "
        "their goods leave the warehouse below.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        help="Stock for every invoice with this prefix leaves this warehouse.",
    )
    first_seen_date = fields.Datetime(
        default=fields.Datetime.now, readonly=True, help="When Odoo first saw this prefix."
    )

    _sql_constraints = [
        (
            "account_name_unique",
            "unique(account_id, name)",
            "A prefix is recorded only once per Számlázz.hu account.",
        ),
    ]
