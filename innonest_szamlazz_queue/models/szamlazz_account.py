from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.innonest_szamlazz.tools.params import positive_int_param

from .szamlazz_document_state_mixin import STORING

DEFAULT_CATCH_UP_MINUTES = 5


class SzamlazzAccount(models.Model):
    _inherit = "szamlazz.account"

    @api.model
    def _trigger_import(self, at=None):
        """A stored document has a job of its own: the scheduled action it used to start
        at once only catches up, ``innonest_szamlazz_queue.catch_up_minutes`` (default 5)
        later, with whatever is still received then (none when the job runner runs)."""
        if self.env.context.get(STORING):
            later = fields.Datetime.now() + timedelta(
                minutes=positive_int_param(
                    self.env, "innonest_szamlazz_queue.catch_up_minutes", DEFAULT_CATCH_UP_MINUTES
                )
            )
            at = max(at, later) if at else later
        return super()._trigger_import(at)
