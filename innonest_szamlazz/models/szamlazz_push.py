import base64
import logging

import psycopg2
from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..exceptions import CONCURRENT_CHANGES
from ..szamlazz_agent import errors
from ..tools.push_feeds import PUSH_FEEDS

_logger = logging.getLogger(__name__)


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

    def init(self):
        # lz4 where PostgreSQL has it (14 and later, when built with it): it compresses a
        # push's body several times faster than the default (pglz), on the intake's path.
        if self.env.cr.connection.server_version < 140000:
            return
        self.env.cr.execute(
            """
            SELECT attcompression FROM pg_attribute
             WHERE attrelid = 'szamlazz_push'::regclass AND attname = 'body'
            """
        )
        if self.env.cr.fetchone()[0] == "l":
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "ALTER TABLE szamlazz_push ALTER COLUMN body SET COMPRESSION lz4",
                    log_exceptions=False,
                )
        except psycopg2.errors.FeatureNotSupported as error:
            _logger.info("Pushes are compressed the default way: %s", error.pgerror)

    @api.model
    def _receive(self, account, feed, raw):
        """Keep ``raw``, a push of ``feed`` already checked, for ``account``; storing it is
        started at once (:meth:`_start_storing`)."""
        # One statement, the company read from the account's row: this is the path of
        # Számlázz.hu's bursts, and the ORM's create (defaults, the account's company read
        # first, the record cache) cost more than writing the row (see `make bench`). The
        # body is kept as the Binary field keeps it: base64.
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO szamlazz_push
                    (account_id, company_id, feed, body,
                     create_uid, create_date, write_uid, write_date)
                VALUES (
                    %(account)s,
                    (SELECT company_id FROM szamlazz_account WHERE id = %(account)s),
                    %(feed)s, %(body)s,
                    %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                )
                RETURNING id
                """,
                feed=feed,
                body=psycopg2.Binary(base64.b64encode(raw)),
                uid=self.env.uid,
                account=account.id,
            )
        )
        push = self.browse(self.env.cr.fetchone()[0])
        self._start_storing(account)
        return push

    @api.model
    def _start_storing(self, account):
        """Have the pushes of ``account`` stored now: the scheduled action starts at once."""
        self.env["szamlazz.account"]._trigger_import()

    @api.model
    def _waiting_domain(self, accounts):
        return [("account_id", "in", accounts.ids), ("read_error", "=", False)]

    @api.model
    def _read_waiting(self, accounts, limit):
        """Store the oldest waiting pushes of ``accounts``, at most ``limit``, in the order
        they came; a push another transaction holds or has just stored is skipped.
        Returns how many were stored."""
        if not accounts:
            return 0
        pushes = self.sudo().search(self._waiting_domain(accounts), limit=limit)
        return sum(push._store() for push in pushes)

    @api.model
    def _waiting_count(self, accounts):
        return self.sudo().search_count(self._waiting_domain(accounts))

    def _store(self):
        """Store what this push says and delete it, holding its row; True when it was
        stored, False when it could not be or another transaction has it."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                # Locked row by row, in the savepoint: a row another transaction stored
                # since this one's snapshot is a serialization failure, for this push only.
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM szamlazz_push WHERE id = %s FOR UPDATE SKIP LOCKED",
                        self.id,
                    )
                )
                if not self.env.cr.fetchone():
                    return False
                feed = PUSH_FEEDS[self.feed]
                feed.store(
                    self.env,
                    self.account_id.with_env(self.env),
                    feed.parse(base64.b64decode(self.body)),
                )
                self.unlink()
            return True
        except (*CONCURRENT_CHANGES, psycopg2.OperationalError) as error:
            # Another transaction stores the same document (or its buyer, its prefix) right
            # now, or the database gave up on this statement: the push waits for a later run.
            _logger.warning("Számlázz.hu push %s postponed: %s", self.id, error.pgerror or error)
        except errors.SzamlazzError as error:
            self.read_error = error.message or _("The push cannot be read.")
        except Exception as error:
            # A fact about this push, not a reason to stop the ones behind it.
            _logger.exception("Storing Számlázz.hu push %s failed", self.id)
            self.read_error = _("Unexpected error: %s", error)
        return False

    def action_read_again(self):
        """Read again (Számlázz.hu managers): clears the reason and stores these pushes
        now, in their company's language; back to the list, where what is still waiting
        stays."""
        if not self.env.user.has_group("innonest_szamlazz.group_szamlazz_manager"):
            raise AccessError(_("Only Számlázz.hu managers can read a push again."))
        self.check_access("read")
        failed = self.sudo().filtered("read_error")
        failed.read_error = False
        for pushes in self.env["res.company"]._szamlazz_in_language(failed):
            for push in pushes:
                push._store()
        for account in failed.exists().filtered(lambda push: not push.read_error).account_id:
            self.sudo()._start_storing(account)  # postponed by a concurrent change: soon again
        return self.env["ir.actions.act_window"]._for_xml_id(
            "innonest_szamlazz.szamlazz_push_action"
        )
