"""What the scenarios share: the running parts, the products, what was pushed; and the
checks several scenarios make (import to completion, stock consistency)."""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
import xmlrpc.client
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from . import figures
from .documents import Document, Factory
from .processes import OdooServer
from .remote import PushOutcome, Rpc, Sandbox, push

INITIAL_ON_HAND = 100000


@dataclass
class Knobs:
    documents: int
    threads: int
    kill_documents: int
    ipn_posts: int
    ipn_documents: int
    latency_seconds: float
    products: int
    import_timeout: float


@dataclass
class Context:
    knobs: Knobs
    odoo: OdooServer
    sandbox: Sandbox
    rpc: Rpc
    factory: Factory
    account_id: int
    push_key: str
    push_url: str
    ipn_url: str
    products: dict  # SKU -> product.product id
    stock_location_id: int
    pushed: list[Document] = field(default_factory=list)  # every good document pushed

    def push(self, document: Document) -> PushOutcome:
        return push(self.push_url, self.push_key, document.body, document.number)

    @property
    def numbers(self) -> list[str]:
        return [document.number for document in self.pushed]


def push_all(context: Context, documents: list[Document]) -> list[PushOutcome]:
    """Push ``documents`` from the configured number of threads; recorded as pushed."""
    with ThreadPoolExecutor(context.knobs.threads) as pool:
        outcomes = list(pool.map(context.push, documents))
    context.pushed.extend(documents)
    return outcomes


@dataclass
class ImportRun:
    calls: int = 0
    faults: int = 0
    finished: bool = False
    last_fault: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


def import_until_done(context: Context, run: ImportRun, stop: threading.Event, deadline: float):
    """Call the public ``import_documents`` until it reports nothing remaining. A fault is
    counted and the loop goes on (the next call may succeed); a lost connection (the
    server was killed) ends it."""
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            result = context.rpc("szamlazz.account", "import_documents", [])
        except xmlrpc.client.Fault as fault:
            with run.lock:
                run.calls += 1
                run.faults += 1
                run.last_fault = fault.faultString.strip().splitlines()[-1][:300]
            time.sleep(0.5)
            continue
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError):
            if stop.is_set():
                return
            time.sleep(1)  # a worker recycled under us: ask again
            continue
        with run.lock:
            run.calls += 1
        if result["remaining"] == 0:
            run.finished = True
            stop.set()
            return
        if not result["processed"]:
            time.sleep(0.5)  # the others hold what is left; "Import now" is not a busy loop


def start_importers(context: Context, count: int, stop: threading.Event, run: ImportRun):
    deadline = time.monotonic() + context.knobs.import_timeout
    threads = [
        threading.Thread(target=import_until_done, args=(context, run, stop, deadline), daemon=True)
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    return threads


def run_import(context: Context, importers: int = 2) -> ImportRun:
    run, stop = ImportRun(), threading.Event()
    for thread in start_importers(context, importers, stop, run):
        thread.join()
    if run.faults:
        figures.note("  last import fault: %s" % run.last_fault)
    if not run.finished:
        figures.note(
            "  the import did not report remaining == 0 within %g s" % context.knobs.import_timeout
        )
    return run


IMPORT_CRON = "ir_cron_szamlazz_import"


@contextlib.contextmanager
def import_cron_paused(context: Context):
    """The import action off, as an administrator would switch it off: the flood fills the
    inbox instead of the cron worker draining it as it comes, so that scenario 2 starts
    with a real backlog for its three importers. On again however the block ends; a
    trigger (the next import call makes one) wakes the cron worker."""
    (cron,) = context.rpc(
        "ir.model.data",
        "search_read",
        [("module", "=", "innonest_szamlazz"), ("name", "=", IMPORT_CRON)],
        fields=["res_id"],
    )
    _write_cron(context, cron["res_id"], {"active": False})
    try:
        yield
    finally:
        _write_cron(context, cron["res_id"], {"active": True})


def _write_cron(context: Context, cron_id: int, values: dict, attempts: int = 60) -> None:
    """Odoo refuses to change a scheduled action while it runs: ask again shortly."""
    for _ in range(attempts - 1):
        try:
            context.rpc("ir.cron", "write", [cron_id], values)
            return
        except xmlrpc.client.Fault:
            time.sleep(1)
    context.rpc("ir.cron", "write", [cron_id], values)


def stock_figures(context: Context, suffix: str = "") -> list[figures.Figure]:
    """The three consistency figures over every document pushed so far, and why the
    import may have stopped short."""
    numbers = context.numbers
    scope = [("number", "in", numbers)]
    left_in_error = context.rpc.count("szamlazz.invoice", scope + [("state", "=", "error")])
    unprocessed = context.rpc.count("szamlazz.invoice", scope + [("state", "=", "received")])
    attention = context.rpc.count("szamlazz.invoice", scope + [("state", "=", "needs_attention")])
    _explain_states(context, scope)
    bad_lines, checked_lines = _bad_lines(context)
    return [
        figures.equal("documents left in error" + suffix, left_in_error, 0),
        figures.equal("lines with other than exactly one done move" + suffix, bad_lines, 0),
        figures.equal("on-hand differences" + suffix, _on_hand_differences(context), 0),
        figures.info("documents still received" + suffix, unprocessed),
        figures.info("documents needing attention" + suffix, attention),
        figures.info("lines checked for their move" + suffix, checked_lines),
    ]


def _explain_states(context: Context, scope: list) -> None:
    rows = context.rpc(
        "szamlazz.invoice",
        "search_read",
        scope + [("state", "in", ("error", "needs_attention"))],
        fields=["number", "state", "state_reason"],
        limit=5,
    )
    for row in rows:
        figures.note(
            "  %s %s: %s" % (row["number"], row["state"], (row["state_reason"] or "")[:300])
        )


def _bad_lines(context: Context) -> tuple[int, int]:
    """Lines of storable products marked moved whose done moves are not exactly one, and
    how many lines were looked at (so that a 0 is not a 0 out of 0)."""
    lines = context.rpc(
        "szamlazz.invoice.line",
        "search_read",
        [("stock_status", "=", "moved"), ("product_id.is_storable", "=", True)],
        fields=["id"],
    )
    line_ids = [line["id"] for line in lines]
    moves = context.rpc(
        "stock.move",
        "search_read",
        [("szamlazz_invoice_line_id", "in", line_ids), ("state", "=", "done")],
        fields=["szamlazz_invoice_line_id"],
    )
    done_moves = Counter(move["szamlazz_invoice_line_id"][0] for move in moves)
    bad = [line_id for line_id in line_ids if done_moves[line_id] != 1]
    if bad:
        figures.note("  lines without exactly one done move (first 10): %s" % bad[:10])
    return len(bad), len(line_ids)


def _on_hand_differences(context: Context) -> int:
    """Products whose on-hand in the warehouse's stock location is not the initial
    quantity minus what the pushed documents sold."""
    sold = Counter()
    for document in context.pushed:
        for item in document.items:
            sold[item.sku] += item.quantity
    products = context.rpc(
        "product.product",
        "read",
        list(context.products.values()),
        ["default_code", "qty_available"],
        context={"location": context.stock_location_id},
    )
    differences = 0
    for product in products:
        expected = INITIAL_ON_HAND - sold[product["default_code"]]
        if abs(product["qty_available"] - expected) > 1e-6:
            differences += 1
            figures.note(
                "  %s on hand %s, expected %s"
                % (product["default_code"], product["qty_available"], expected)
            )
    return differences
