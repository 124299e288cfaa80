from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .szamlazz_invoice_reminder import (
    DEFAULT_SCHEDULE,
    ENABLED_PARAMETER,
    SCHEDULE_PARAMETER,
    parse_schedule,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    szamlazz_reminder_enabled = fields.Boolean(
        string="Payment Reminders from Odoo", config_parameter=ENABLED_PARAMETER
    )
    szamlazz_reminder_schedule = fields.Char(
        string="Reminder Schedule",
        config_parameter=SCHEDULE_PARAMETER,
        default=DEFAULT_SCHEDULE,
        help="Days after the due date, separated by commas: one reminder at each.",
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
