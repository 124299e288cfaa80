"""Wake Odoo's cron workers over one kept connection.

Odoo's ``ir.cron._notifydb`` NOTIFYs the workers (they LISTEN on the ``postgres``
database) over a connection its pool never keeps: a new PostgreSQL connection per call,
about 4 ms here. The import is triggered by every push, so each process keeps one
connection to ``postgres`` for it instead, renewed after ``IDLE_SECONDS`` unused (as Odoo's
pool renews its own). A wake-up that fails is only late: the trigger is written, and the
workers poll for due triggers every minute or so anyway.
"""

import logging
import os
import threading
import time

import psycopg2
from odoo.addons.base.models.ir_cron import ODOO_NOTIFY_FUNCTION
from odoo.sql_db import connection_info_for
from psycopg2 import sql

_logger = logging.getLogger(__name__)

IDLE_SECONDS = 600
# A dead peer (a dropped NAT entry, a moved address) must not hold the push that woke it.
CONNECT_OPTIONS = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


class _KeptConnection:
    """One autocommit connection to ``postgres`` per process, shared by its threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.connection = None
        self.used_at = 0.0

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
                    self.used_at = time.monotonic()
                    return
                except (psycopg2.OperationalError, psycopg2.InterfaceError):
                    self._close()  # gone (a restarted server): once more, anew
                    if last_attempt:
                        raise

    def backend_pid(self):
        """The server process of the kept connection (None before the first wake-up)."""
        with self.lock:
            return self.connection.get_backend_pid() if self.connection else None

    def _connected(self):
        if self.connection is not None and time.monotonic() - self.used_at > IDLE_SECONDS:
            self._close()
        if self.connection is None or self.connection.closed:
            _dbname, info = connection_info_for("postgres")
            self.connection = psycopg2.connect(**info, **CONNECT_OPTIONS)
            self.connection.autocommit = True
        return self.connection

    def _close(self):
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def forget_in_child(self):
        """A forked worker opens its own and leaves its parent's alone (closing it would
        end the parent's session; psycopg2 does not close it when the child drops it)."""
        self.lock = threading.Lock()
        self.connection = None


_KEPT = _KeptConnection()
os.register_at_fork(after_in_child=_KEPT.forget_in_child)


def wake_cron_workers(dbname):
    """Tell the cron workers that a scheduled action of ``dbname`` is due; called after
    the commit that wrote its trigger."""
    try:
        _KEPT.notify(dbname)
    except psycopg2.Error as error:
        _logger.warning("Could not wake the cron workers (they poll for it soon): %s", error)


def kept_backend_pid():
    """The server process that sends this process's wake-ups, for checking they share one."""
    return _KEPT.backend_pid()
