from datetime import timedelta

from odoo import fields, models
from odoo.addons.innonest_szamlazz.models.szamlazz_account import IMPORT_CRON
from odoo.addons.innonest_szamlazz.tools.params import positive_int_param

from .szamlazz_document_state_mixin import STORING

DEFAULT_CATCH_UP_MINUTES = 5


class IrCron(models.Model):
    _inherit = "ir.cron"

    def _trigger_list(self, at_list):
        """A stored document has a job of its own: the scheduled action it used to start
        at once only catches up, ``innonest_szamlazz_queue.catch_up_minutes`` (default 5)
        later, with whatever is still received then (none when the job runner runs)."""
        # By the cached id: with queue_job every push comes here.
        if self.env.context.get(STORING) and self.id == self.env["ir.model.data"]._xmlid_to_res_id(
            IMPORT_CRON, raise_if_not_found=False
        ):
            later = fields.Datetime.now() + timedelta(
                minutes=positive_int_param(
                    self.env, "innonest_szamlazz_queue.catch_up_minutes", DEFAULT_CATCH_UP_MINUTES
                )
            )
            at_list = [max(at, later) for at in at_list]
        return super()._trigger_list(at_list)
