"""Scenarios 1-3: the push flood, concurrent imports, kill -9 in the middle of a batch."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg2

from . import figures
from .context import (
    Context,
    ImportRun,
    import_cron_paused,
    push_all,
    run_import,
    start_importers,
    stock_figures,
)
from .documents import Document
from .remote import PushOutcome

KILL_AFTER_SECONDS = 1.0


def push_flood(context: Context) -> list[figures.Figure]:
    """N documents from T threads; each document is sent again, same bytes, by another
    thread at about the same time, so original and replay race each other."""
    documents = context.factory.batch(context.knobs.documents)
    plans = _flood_plans(documents, context.knobs.threads)
    with import_cron_paused(context), ThreadPoolExecutor(len(plans)) as pool:
        outcomes = [outcome for plan in pool.map(_push_plan(context), plans) for outcome in plan]
    context.pushed.extend(documents)
    _explain_outcomes(outcomes)
    return [
        # Every copy is kept as it came; the import tells the replays (scenario 2).
        figures.equal("push kept", _pushes_waiting(context), len(outcomes)),
        figures.equal("push 2xx", sum(outcome.ok for outcome in outcomes), len(outcomes)),
        figures.equal("push 5xx", sum(_is_5xx(outcome) for outcome in outcomes), 0),
        figures.info("push 503 retried", sum(outcome.retried_503 for outcome in outcomes)),
    ]


def _flood_plans(documents: list[Document], threads: int) -> list[list[Document]]:
    """Thread ``n % T`` sends document n, thread ``(n + 1) % T`` its replay; each thread
    goes in document order, so the two copies of one document leave together."""
    plans = [[] for _ in range(threads)]
    for n, document in enumerate(documents):
        plans[n % threads].append((n, document))
        plans[(n + 1) % threads].append((n, document))
    return [
        [document for _, document in sorted(plan, key=lambda entry: entry[0])] for plan in plans
    ]


def _push_plan(context: Context):
    def send(plan: list[Document]) -> list[PushOutcome]:
        return [context.push(document) for document in plan]

    return send


def _is_5xx(outcome: PushOutcome) -> bool:
    return outcome.final.status is not None and outcome.final.status >= 500


def _explain_outcomes(outcomes: list[PushOutcome]) -> None:
    failed = Counter(
        outcome.final.status or outcome.final.error for outcome in outcomes if not outcome.ok
    )
    if failed:
        figures.note("  push final answers other than 2xx: %s" % dict(failed))


def concurrent_import(context: Context) -> list[figures.Figure]:
    """Two XML-RPC importers over the flood's inbox, and the cron worker, which their first
    call triggers, processes it too."""
    waiting, _ = _inbox_at(context, context.numbers)
    if not waiting:
        figures.note("  nothing left to import: the race this scenario watches did not happen")
    run = run_import(context, importers=2)
    stored = Counter(
        row["number"]
        for row in context.rpc(
            "szamlazz.invoice",
            "search_read",
            [("number", "in", context.numbers)],
            fields=["number"],
        )
    )
    return (
        [
            figures.equal("push stored", len(stored), len(context.numbers)),
            figures.equal("push duplicates", sum(1 for n in stored.values() if n > 1), 0),
        ]
        + stock_figures(context)
        + [
            figures.info("pushes and documents waiting when the importers started", waiting),
            figures.info("import calls", run.calls),
            figures.info("import calls answering a fault", run.faults),
        ]
    )


def kill_during_import(context: Context) -> list[figures.Figure]:
    """M more documents; the import runs; kill -9 of the server's whole process group
    while a batch is in flight; restart; the import runs to completion."""
    batch = context.factory.batch(context.knobs.kill_documents)
    outcomes = push_all(context, batch)
    run, stop = ImportRun(), threading.Event()
    importers = start_importers(context, 2, stop, run)
    time.sleep(KILL_AFTER_SECONDS)
    waiting, in_flight = _inbox_at(context, [document.number for document in batch])
    stop.set()
    context.odoo.kill9()
    for importer in importers:
        importer.join(timeout=60)
    figures.note(
        "  kill -9 with %d of %d documents waiting, %d of them in a batch in flight"
        % (waiting, len(batch), in_flight)
    )
    context.odoo.start()
    run_import(context, importers=2)
    return [
        figures.equal("push 2xx before kill -9", sum(o.ok for o in outcomes), len(outcomes)),
        figures.info("documents waiting at kill -9", waiting),
        figures.info("documents in a batch in flight at kill -9", in_flight),
    ] + stock_figures(context, " after kill -9")


def _pushes_waiting(context: Context) -> int:
    """Pushes kept and not stored by the import yet, read straight from PostgreSQL."""
    connection = psycopg2.connect(dbname=context.odoo.database)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM szamlazz_push WHERE read_error IS NULL")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def _inbox_at(context: Context, numbers: list[str]) -> tuple[int, int]:
    """``(waiting, locked)``: pushes not stored yet plus the documents among ``numbers``
    still received, and of those documents the ones held by a batch in flight right now.
    Read straight from PostgreSQL: the server is about to die, and a poll through it would
    take one of its two workers."""
    pushes = _pushes_waiting(context)
    connection = psycopg2.connect(dbname=context.odoo.database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM szamlazz_invoice"
                " WHERE state = 'received' AND number = ANY(%s)",
                [numbers],
            )
            received = cursor.fetchone()[0]
            # Rows a batch holds are skipped; the locks taken here end with the rollback.
            cursor.execute(
                "SELECT id FROM szamlazz_invoice WHERE state = 'received' AND number = ANY(%s)"
                " FOR UPDATE SKIP LOCKED",
                [numbers],
            )
            free = cursor.rowcount
        connection.rollback()
        return pushes + received, received - free
    finally:
        connection.close()
