"""Wake Odoo's cron workers over one kept connection.

Odoo's ``ir.cron._notifydb`` NOTIFYs the workers (they LISTEN on the ``postgres``
database) over a connection its pool never keeps: a new PostgreSQL connection per call,
about 4 ms here. The import is woken by every push, so each process keeps one connection to
``postgres`` for it instead. A wake-up that fails is only late: the trigger is written, and
the workers poll every minute anyway.
"""

import logging
import os
import threading

import psycopg2
from odoo.addons.base.models.ir_cron import ODOO_NOTIFY_FUNCTION
from odoo.sql_db import connection_info_for
from psycopg2 import sql

_logger = logging.getLogger(__name__)


class _KeptConnection:
    """One autocommit connection to ``postgres`` per process, shared by its threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.connection = None
        self.inherited = None

    def notify(self, dbname):
        with self.lock:
            for last_attempt in (False, True):
                try:
                    with self._connected().cursor() as cursor:
                        cursor.execute(
                            sql.SQL("SELECT {}('cron_trigger', %s)").format(
                                sql.Identifier(ODOO_NOTIFY_FUNCTION)
                            ),
                            [dbname],
                        )
                    return
                except psycopg2.Error:
                    self.connection = None  # gone (a restarted server): once more, anew
                    if last_attempt:
                        raise

    def _connected(self):
        if self.connection is None or self.connection.closed:
            _dbname, info = connection_info_for("postgres")
            self.connection = psycopg2.connect(**info)
            self.connection.autocommit = True
        return self.connection

    def forget_in_child(self):
        """A forked worker opens its own: it must neither use its parent's connection nor
        close it (that would end the parent's session), so it only keeps a reference."""
        self.lock = threading.Lock()
        self.inherited = self.connection
        self.connection = None


_KEPT = _KeptConnection()
os.register_at_fork(after_in_child=_KEPT.forget_in_child)


def wake_cron_workers(dbname):
    """Tell the cron workers that a scheduled action of ``dbname`` is due; called after
    the commit that wrote its trigger."""
    try:
        _KEPT.notify(dbname)
    except psycopg2.Error as error:
        _logger.warning("Could not wake the cron workers (they poll within a minute): %s", error)
