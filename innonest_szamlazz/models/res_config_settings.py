from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    szamlazz_account_id = fields.Many2one(
        "szamlazz.account", string="Számlázz.hu Account", compute="_compute_szamlazz_account_id"
    )
    szamlazz_state = fields.Selection(related="szamlazz_account_id.state")
    szamlazz_last_check_date = fields.Datetime(related="szamlazz_account_id.last_check_date")

    @api.depends("company_id")
    def _compute_szamlazz_account_id(self):
        Account = self.env["szamlazz.account"]
        for settings in self:
            settings.szamlazz_account_id = Account.search(
                [("company_id", "=", settings.company_id.id)], limit=1
            )

    def action_open_szamlazz_account(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "szamlazz.account",
            "res_id": self.szamlazz_account_id.id,
            "view_mode": "form",
        }
