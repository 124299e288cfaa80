from odoo import Command, _, api, fields, models

# Hungarian writes the kind of a public place in lower case ("Váci utca 1.").
PUBLIC_PLACE_WORDS = {
    "utca",
    "út",
    "útja",
    "tér",
    "tere",
    "körút",
    "köz",
    "sor",
    "sétány",
    "fasor",
    "rakpart",
    "park",
    "lakótelep",
    "dűlő",
    "lépcső",
    "liget",
    "sugárút",
    "udvar",
    "telep",
    "tanya",
    "part",
    "hrsz.",
    "lház.",
    "em.",
    "ajtó",
}


def readable_address_part(value):
    """NAV keeps addresses in capitals; a shop prints them as people write them."""
    if not value or value != value.upper():
        return value
    words = value.title().split(" ")
    return " ".join(word.lower() if word.lower() in PUBLIC_PLACE_WORDS else word for word in words)


class SzamlazzConnectWizard(models.TransientModel):
    """Connect the current company to Számlázz.hu, or replace its Agent key.

    Steps: the key is checked with a taxpayer query of the company itself; the
    company data Számlázz.hu knows is offered where Odoo's differs; the addresses
    and the push key to register at Számlázz.hu are shown last.
    """

    _name = "szamlazz.connect.wizard"
    _description = "Connect Számlázz.hu"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    account_id = fields.Many2one("szamlazz.account", readonly=True)
    step = fields.Selection(
        [("key", "Agent Key"), ("company", "Company Data"), ("register", "Register")],
        required=True,
        default="key",
    )
    is_reconnect = fields.Boolean("Already Connected", compute="_compute_is_reconnect")
    agent_key = fields.Char(groups="base.group_system")
    tax_number = fields.Char(
        compute="_compute_tax_number",
        store=True,
        readonly=False,
        precompute=True,
        help="Your company's Hungarian tax number; Számlázz.hu is asked what the tax "
        "authority knows about it, which proves the key works and changes nothing.",
    )
    regenerate_push_key = fields.Boolean(
        string="Generate a New Push Key",
        help="Only if the push key may have leaked: the new key must then be registered "
        "at Számlázz.hu, pushes with the old key are refused.",
    )
    error_message = fields.Text(readonly=True)
    taxpayer_name = fields.Char(readonly=True)
    line_ids = fields.One2many("szamlazz.connect.wizard.line", "wizard_id", "Company Data")
    push_url = fields.Char(related="account_id.push_url")
    incoming_push_url = fields.Char(related="account_id.incoming_push_url")
    receipt_push_url = fields.Char(related="account_id.receipt_push_url")
    bank_push_url = fields.Char(related="account_id.bank_push_url")
    ipn_url = fields.Char(related="account_id.ipn_url")
    push_key = fields.Char(related="account_id.push_key", groups="base.group_system")
    backfill_date = fields.Date(
        string="Import Invoices From",
        help="Invoices issued since this day are imported and deduct stock; leave empty to "
        "start from the day of connection.",
    )

    @api.depends("company_id")
    def _compute_tax_number(self):
        for wizard in self:
            wizard.tax_number = wizard.company_id.vat

    @api.depends("company_id")
    def _compute_is_reconnect(self):
        for wizard in self:
            wizard.is_reconnect = bool(wizard._find_account().agent_key)

    def _find_account(self):
        return (
            self.env["szamlazz.account"]
            .sudo()
            .search([("company_id", "=", self.company_id.id)], limit=1)
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Connect Számlázz.hu"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_check_key(self):
        """Check the pasted key; on success store it and move on, else explain why."""
        self.ensure_one()
        agent_key = (self.agent_key or "").strip()
        account = self._find_account() or self.env["szamlazz.account"].create(
            {"company_id": self.company_id.id}
        )
        self.account_id = account
        taxpayer, error, transient = account._check_agent_key(agent_key, self.tax_number)
        if error:
            self.error_message = error
            if account.state == "connected":
                # The key in use still works: a refused replacement must not break it.
                account.message_post(
                    body=_("A new Agent key was not accepted, the current one stays: %s", error)
                )
            elif transient:
                account._note_check_unanswered(error)
            else:
                account._mark_check_failed(error)
            return self._reopen()
        account._mark_connected(agent_key)
        if self.regenerate_push_key:
            account.action_regenerate_push_key()
        self.write(
            {
                "error_message": False,
                "taxpayer_name": taxpayer.name,
                "backfill_date": account.backfill_date,
                "line_ids": [Command.clear()]
                + [Command.create(values) for values in self._company_differences(taxpayer)],
            }
        )
        self.step = "company" if self.line_ids else "register"
        return self._reopen()

    def _company_differences(self, taxpayer):
        """Line values for each company field Számlázz.hu knows differently.

        Only empty fields are ticked: a value the user typed is replaced only on request.
        """
        company = self.company_id
        address = taxpayer.address
        proposals = [("name", taxpayer.name), ("vat", taxpayer.tax_number)]
        if address:
            proposals += [
                ("street", readable_address_part(address.street)),
                ("zip", address.zip),
                ("city", readable_address_part(address.city)),
            ]
        differences = []
        for field_name, value in proposals:
            current = company[field_name] or ""
            # NAV spells names in capitals: a difference in case alone is no news.
            if value and value.strip().casefold() != current.strip().casefold():
                differences.append(
                    {
                        "field_name": field_name,
                        "current_value": current,
                        "new_value": value.strip(),
                        "apply": not current,
                    }
                )
        country = (
            address
            and address.country
            and self.env["res.country"].search([("code", "=ilike", address.country)], limit=1)
        )
        if country and country != company.country_id:
            differences.append(
                {
                    "field_name": "country_id",
                    "current_value": company.country_id.name or "",
                    "new_value": country.name,
                    "new_country_id": country.id,
                    "apply": not company.country_id,
                }
            )
        return differences

    def action_apply_company_data(self):
        self.ensure_one()
        chosen = self.line_ids.filtered("apply")
        if chosen:
            company = self.company_id
            company.write({line.field_name: line._value_to_write() for line in chosen})
            if company.state_id and company.state_id.country_id != company.country_id:
                # A state of the old country ("California (US)") on a Hungarian address.
                company.state_id = False
            self.account_id.message_post(
                body=_(
                    "Company data filled in from Számlázz.hu: %s",
                    ", ".join(chosen.mapped("field_description")),
                )
            )
        self.step = "register"
        return self._reopen()

    def action_skip_company_data(self):
        self.step = "register"
        return self._reopen()

    def action_done(self):
        self.ensure_one()
        if self.backfill_date != self.account_id.backfill_date:
            self.account_id.backfill_date = self.backfill_date
        return {"type": "ir.actions.act_window_close"}
