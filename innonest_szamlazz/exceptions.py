"""Exceptions of the addon, and what counts as another transaction's concurrent work."""

import psycopg2
import psycopg2.errorcodes

# What another transaction's work on the same rows raises: the document waits for the
# next run instead of being recorded as an error.
CONCURRENT_CHANGES = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.UniqueViolation,
)


class IntakeConflictError(psycopg2.errors.SerializationFailure):
    """Another transaction stored the same new document while this one ran.

    The other transaction has committed, but this one's snapshot cannot see its row: a
    serialization failure. Odoo retries a request that raises one (a user's click, an
    XML-RPC call) on a fresh snapshot; a kept push waits for the next run of the import,
    and the pull leaves the document to the push.
    """

    pgcode = psycopg2.errorcodes.SERIALIZATION_FAILURE  # what Odoo's retry loop reports


class QueryBudgetSpent(Exception):
    """This run asked Számlázz.hu as often as it may; the next run goes on."""
