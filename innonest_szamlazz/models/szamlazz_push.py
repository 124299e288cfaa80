import base64
import logging

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..exceptions import CONCURRENT_CHANGES
from ..szamlazz_agent import errors
from ..tools.push_feeds import PUSH_FEEDS

_logger = logging.getLogger(__name__)

IMPORT_CRON = "innonest_szamlazz.ir_cron_szamlazz_import"


class SzamlazzPush(models.Model):
    """A push of Számlázz.hu's data connection, kept as it came until the import has stored
    what it says.

    The push endpoint only checks a push (its key, its size, that it reads and fits the
    columns), keeps its bytes here and acknowledges it: the least work that keeps it safe,
    so that Számlázz.hu's bursts are answered fast. The scheduled import reads the waiting
    pushes in the order they came (:meth:`_read_waiting`), stores each as its feed says and
    deletes it, in one savepoint: the document then holds the bytes. A push another
    transaction is storing at that moment waits for the next run; one that cannot be
    stored keeps the reason (``read_error``) and its bytes until a manager reads it again.
    """

    _name = "szamlazz.push"
    _description = "Számlázz.hu push waiting to be stored"
    _order = "id"

    account_id = fields.Many2one(
        "szamlazz.account", required=True, readonly=True, ondelete="restrict", index=True
    )
    # Set from the account, not related: intake computes nothing it can avoid.
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    feed = fields.Selection(
        [
            ("szamla", "Invoice (szamla)"),
            ("szamlabe", "Supplier invoice (szamlabe)"),
            ("xmlnyugtaarchiv", "Receipts of a day (xmlnyugtaarchiv)"),
            ("banktranz", "Bank transactions (banktranz)"),
        ],
        required=True,
        readonly=True,
    )
    body = fields.Binary("XML", attachment=False, required=True, readonly=True)
    read_error = fields.Text(
        "Could Not Be Stored",
        readonly=True,
        help="Why the import could not store this push; it waits for Read again.",
    )

    @api.model
    def _receive(self, account, feed, raw):
        """Keep ``raw``, a push of ``feed`` already checked, for ``account``; storing it is
        started at once (:meth:`_start_storing`)."""
        # Only the columns needed are read (an account has many); in the account's company,
        # creating reads no user's companies.
        account.fetch(["company_id"])
        pushes = self.sudo().with_company(account.company_id)
        push = pushes.create(
            {
                "account_id": account.id,
                "company_id": account.company_id.id,
                "feed": feed,
                "body": base64.b64encode(raw),
            }
        )
        pushes._start_storing(account)
        return push.with_env(self.env)

    @api.model
    def _start_storing(self, account):
        """Have the pushes of ``account`` stored now: the scheduled action starts at once."""
        # By its cached id (env.ref would check that it exists), reading only what
        # _trigger reads (a scheduled action is a server action too: a join).
        cron = self.env["ir.cron"].browse(self.env["ir.model.data"]._xmlid_to_res_id(IMPORT_CRON))
        cron.fetch(["active"])
        cron._trigger()

    @api.model
    def _read_waiting(self, accounts, limit):
        """Store the oldest waiting pushes of ``accounts``, at most ``limit``, in the order
        they came; a push another import run holds is skipped. Returns how many were
        stored."""
        if not accounts:
            return 0
        self.env.cr.execute(
            SQL(
                "SELECT id FROM szamlazz_push WHERE account_id IN %s AND read_error IS NULL"
                " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                tuple(accounts.ids),
                limit,
            )
        )
        pushes = self.sudo().browse(row[0] for row in self.env.cr.fetchall())
        return sum(push._store() for push in pushes)

    @api.model
    def _waiting_count(self, accounts):
        return self.sudo().search_count(
            [("account_id", "in", accounts.ids), ("read_error", "=", False)]
        )

    def _store(self):
        """Store what this push says and delete it; True when it was stored."""
        self.ensure_one()
        feed = PUSH_FEEDS[self.feed]
        account = self.account_id.with_env(self.env)
        try:
            with self.env.cr.savepoint():
                feed.store(self.env, account, feed.parse(base64.b64decode(self.body)))
                self.unlink()
            return True
        except CONCURRENT_CHANGES as error:
            # Another transaction stores the same document (or its buyer, its prefix)
            # right now: this push waits for the next run.
            _logger.warning("Számlázz.hu push %s postponed: %s", self.id, error.pgerror)
        except errors.SzamlazzError as error:
            self.read_error = error.message
        except Exception as error:
            # A fact about this push, not a reason to stop the ones behind it.
            _logger.exception("Storing Számlázz.hu push %s failed", self.id)
            self.read_error = _("Unexpected error: %s", error)
        return False

    def action_read_again(self):
        """Read again (managers): clears the reason and stores these pushes now."""
        self.check_access("write")
        waiting = self.sudo().filtered("read_error")
        waiting.read_error = False
        for push in waiting:
            push._store()
        return True
