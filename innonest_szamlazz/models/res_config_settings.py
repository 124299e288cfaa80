from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .szamlazz_invoice import (
    DEFAULT_SCHEDULE,
    ENABLED_PARAMETER,
    SCHEDULE_PARAMETER,
    parse_schedule,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    szamlazz_account_id = fields.Many2one(
        "szamlazz.account", string="Számlázz.hu Account", compute="_compute_szamlazz_account_id"
    )
    szamlazz_state = fields.Selection(related="szamlazz_account_id.state")
    szamlazz_reminder_enabled = fields.Boolean(
        string="Payment Reminders from Odoo", config_parameter=ENABLED_PARAMETER
    )
    szamlazz_reminder_schedule = fields.Char(
        string="Reminder Schedule",
        config_parameter=SCHEDULE_PARAMETER,
        default=DEFAULT_SCHEDULE,
        help="Days after the due date, separated by commas: one reminder at each.",
    )

    @api.depends("company_id")
    def _compute_szamlazz_account_id(self):
        Account = self.env["szamlazz.account"]
        for settings in self:
            settings.szamlazz_account_id = Account.search(
                [("company_id", "=", settings.company_id.id)], limit=1
            )

    @api.constrains("szamlazz_reminder_schedule")
    def _check_szamlazz_reminder_schedule(self):
        for settings in self.filtered("szamlazz_reminder_schedule"):
            try:
                parse_schedule(settings.szamlazz_reminder_schedule)
            except ValueError:
                raise ValidationError(
                    _(
                        "The reminder schedule is a list of days after the due date, such as "
                        "3,10,30."
                    )
                ) from None

    def action_open_szamlazz_account(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "szamlazz.account",
            "res_id": self.szamlazz_account_id.id,
            "view_mode": "form",
        }
