"""With OCA's queue_job: documents pushed to two Odoo servers that share one database are
processed exactly once each.

Two real Odoo servers (``--workers 2``, one cron worker, each with queue_job's job runner:
``--load=base,web,queue_job``) serve one throw-away database with innonest_szamlazz,
queue_job and innonest_szamlazz_queue. The runners elect one of them per database (a
PostgreSQL advisory lock; the other stands by) and it sends the jobs to a round-robin
proxy in front of both servers, the load balancer of a real deployment, so jobs run on
both. Distinct documents are pushed alternately to both servers, several at once, and
some are pushed again to the other one (Számlázz.hu's retries). Then every document must
be done exactly once: one transition to done, one done move per item, one transfer, no
job failed, and the on-hand quantities down by exactly what the documents sold.

Takes one to two minutes (installing the database is most of it); skipped when queue_job
is not installed. The helpers of ``make stress`` (tools/stress/) start Odoo, build the
documents and push them; the logs of the last run stay in var/queue-test/.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from stress import processes  # noqa: E402
from stress.documents import Factory, SchemaCheck  # noqa: E402
from stress.remote import push  # noqa: E402

MODULES = "innonest_szamlazz,queue_job,innonest_szamlazz_queue"
DOCUMENTS = int(os.environ.get("SZAMLAZZ_QUEUE_TEST_DOCUMENTS", "40"))
REPLAYS = DOCUMENTS // 4  # every fourth push is a replay, to the other server
PUSH_THREADS = 4
CHANNELS = "root:4,root.szamlazz:4"
PRODUCTS = 5
ON_HAND = 1000
DONE_TIMEOUT = 150
ORDER_PAIRS = 4  # invoices with their delivery note, of one order each


def queue_job_installed() -> bool:
    """Whether this Python has queue_job (as pip installs it), without importing Odoo here."""
    return any(
        (Path(path) / "odoo" / "addons" / "queue_job" / "__manifest__.py").is_file()
        for path in sys.path
        if path
    )


pytestmark = pytest.mark.skipif(
    not queue_job_installed(),
    reason="queue_job is not installed (pip install -r requirements-dev.txt): "
    "innonest_szamlazz_queue cannot be tested",
)


class RoundRobinProxy(ThreadingHTTPServer):
    """In front of both servers, as a load balancer: each request to the next one. The job
    runner calls ``/queue_job/runjob`` and hangs up after a second; the job goes on."""

    daemon_threads = True

    def __init__(self, backends: list[str]):
        self.backends = itertools.cycle(backends)
        self.forwarded = dict.fromkeys(backends, 0)
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def next_backend(self) -> str:
        with self.lock:
            backend = next(self.backends)
            self.forwarded[backend] += 1
            return backend

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _ProxyHandler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        try:
            answer = requests.get(self.server.next_backend() + self.path, timeout=150)
            status, body = answer.status_code, answer.content
        except requests.RequestException:
            status, body = 502, b""
        with contextlib.suppress(OSError):  # the runner hung up long ago
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


class QueueOdooServer(processes.OdooServer):
    """An Odoo server of ``make stress`` that also runs queue_job's job runner, whose
    requests go to ``runner_port`` (the proxy)."""

    def __init__(self, database: str, work: Path, name: str, runner_port: int):
        super().__init__(database, work, modules=MODULES, log_name="odoo-%s.log" % name)
        self.runner_port = runner_port

    def start(self) -> None:
        super().start(
            "--load",
            "base,web,queue_job",
            "--log-handler",
            "odoo.addons.queue_job.jobrunner.runner:INFO",
            environment={
                "ODOO_QUEUE_JOB_CHANNELS": CHANNELS,
                "ODOO_QUEUE_JOB_HOST": "127.0.0.1",
                "ODOO_QUEUE_JOB_PORT": str(self.runner_port),
            },
        )


# Runs inside `odoo shell`: a pushing account, stock to sell, the other actions off.
SET_UP_SCRIPT = """
import json
from odoo import fields
env["ir.config_parameter"].sudo().set_param("web.base.url", %(url)r)
company = env.ref("base.main_company")
account = env["szamlazz.account"].create({
    "company_id": company.id,
    "agent_key": "unused-nothing-is-asked",
    "agent_url": "http://127.0.0.1:9/szamla/",
    "state": "connected",
    "document_intake": "push",
    "connected_date": fields.Date.today(),
})
for name in ("ir_cron_szamlazz_refresh_payment_status", "ir_cron_szamlazz_payment_reminders",
             "ir_cron_szamlazz_check_writes"):
    cron = env.ref("innonest_szamlazz." + name, raise_if_not_found=False)
    if cron:
        cron.active = False
stock = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1).lot_stock_id
products = {}
for sku in %(skus)r:
    product = env["product.product"].create({"name": sku, "default_code": sku,
                                             "is_storable": True})
    env["stock.quant"]._update_available_quantity(product, stock, %(on_hand)d)
    products[sku] = product.id
env.cr.commit()
print("QUEUE_TEST " + json.dumps({"push_key": account.push_key, "products": products,
                                  "stock": stock.id}))
"""


def wait_until_done(connection, deadline: float) -> dict:
    """Poll until no push waits to be stored, no document is received and no job waits or
    runs; the last counts."""
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM szamlazz_push")
            pushes = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM szamlazz_invoice WHERE state = 'received'")
            received = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM queue_job"
                " WHERE state IN ('wait_dependencies', 'pending', 'enqueued', 'started')"
            )
            waiting = cursor.fetchone()[0]
        if (not pushes and not received and not waiting) or time.monotonic() > deadline:
            return {"pushes_waiting": pushes, "received": received, "jobs_waiting": waiting}
        time.sleep(1)


def query(connection, sql: str, *arguments):
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        return cursor.fetchall()


def test_documents_pushed_to_two_servers_are_processed_exactly_once(xsd_dir, capsys):
    import psycopg2

    processes.lib_sh("require_odoo && require_postgres")
    started = time.monotonic()
    database = "szamlazz_queue_test_%d" % os.getpid()
    work = Path(tempfile.mkdtemp(prefix="szamlazz-queue-"))
    running: list[QueueOdooServer] = []
    connection = None
    proxy = None
    try:
        first = QueueOdooServer(database, work, "a", runner_port=0)
        second = QueueOdooServer(database, work, "b", runner_port=0)
        proxy = RoundRobinProxy([first.url, second.url])
        first.runner_port = second.runner_port = proxy.port
        first.install()
        installed = time.monotonic()
        skus = ["Q-SKU-%d" % n for n in range(1, PRODUCTS + 1)]
        output = first.shell(SET_UP_SCRIPT % {"url": first.url, "skus": skus, "on_hand": ON_HAND})
        setup = json.loads(
            next(line for line in output.splitlines() if line.startswith("QUEUE_TEST "))[11:]
        )
        for server in (first, second):
            running.append(server)
            server.start()

        factory = Factory(skus, SchemaCheck(xsd_dir))
        documents = factory.batch(DOCUMENTS)
        servers = [first, second]
        sends = []
        for n, document in enumerate(documents):
            sends.append((document, servers[n % 2]))
            if n % 4 == 3:
                # A replay of the document before, to the other server, while it is new.
                sends.append((documents[n - 1], servers[n % 2]))
        # The invoice and the delivery note of one order, pushed side by side to the two
        # servers: processed at the same moment, the goods still leave once.
        pairs = [factory.order_pair() for _ in range(ORDER_PAIRS)]
        for invoice, note in pairs:
            sends += [(invoice, first), (note, second)]
        pushed_at = time.monotonic()
        with ThreadPoolExecutor(PUSH_THREADS) as pool:
            outcomes = list(
                pool.map(
                    lambda send: push(
                        send[1].url + "/szamlazz/push",
                        setup["push_key"],
                        send[0].body,
                        send[0].number,
                    ),
                    sends,
                )
            )
        refused = [(outcome.number, outcome.final.status) for outcome in outcomes if not outcome.ok]
        assert not refused, "every push is acknowledged: %s" % refused

        connection = psycopg2.connect(dbname=database)
        connection.autocommit = True
        left = wait_until_done(connection, time.monotonic() + DONE_TIMEOUT)
        processed_in = time.monotonic() - pushed_at
        assert left == {"pushes_waiting": 0, "received": 0, "jobs_waiting": 0}, (
            "not everything was processed within %d s: %s" % (DONE_TIMEOUT, left)
        )

        paired = [document for pair in pairs for document in pair]
        numbers = [document.number for document in documents + paired]
        states = dict(
            query(
                connection,
                "SELECT number, state FROM szamlazz_invoice WHERE number = ANY(%s)",
                numbers,
            )
        )
        assert sorted(states) == sorted(numbers), "each document stored once"
        assert set(states.values()) == {"done"}, {n: s for n, s in states.items() if s != "done"}

        transitions = dict(
            query(
                connection,
                """
                SELECT i.number, count(*)
                  FROM mail_tracking_value v
                  JOIN ir_model_fields f ON f.id = v.field_id AND f.name = 'state'
                  JOIN mail_message m ON m.id = v.mail_message_id
                  JOIN szamlazz_invoice i ON m.model = 'szamlazz.invoice' AND m.res_id = i.id
                 WHERE f.model = 'szamlazz.invoice' AND v.old_value_char = 'Received'
                 GROUP BY i.number
                """,
            )
        )
        assert transitions == dict.fromkeys(numbers, 1), "processed once: one transition each"

        moves = query(
            connection,
            """
            SELECT l.id, count(m.id), count(m.id) FILTER (WHERE m.state = 'done')
              FROM szamlazz_invoice_line l
              LEFT JOIN stock_move m ON m.szamlazz_invoice_line_id = l.id
             GROUP BY l.id
            """,
        )
        items = sum(len(document.items) for document in documents + paired)
        assert len(moves) == items
        moved = [row for row in moves if row[1:] == (1, 1)]
        assert len(moved) == items - sum(len(invoice.items) for invoice, _note in pairs), (
            "each item moved exactly once, an order's goods by one of its two documents"
        )
        assert all(row[1:] in ((1, 1), (0, 0)) for row in moves), [
            row for row in moves if row[1:] not in ((1, 1), (0, 0))
        ]
        pickings = dict(
            query(
                connection,
                """
                SELECT i.number, count(DISTINCT m.picking_id)
                  FROM szamlazz_invoice i
                  JOIN szamlazz_invoice_line l ON l.invoice_id = i.id
                  JOIN stock_move m ON m.szamlazz_invoice_line_id = l.id
                 GROUP BY i.number
                """,
            )
        )
        moving = [document.number for document in documents] + [
            next(document.number for document in pair if document.number in pickings)
            for pair in pairs
        ]
        assert pickings == dict.fromkeys(moving, 1), "one transfer per document that moved"

        sold = dict.fromkeys(skus, 0)
        for document in documents + [invoice for invoice, _note in pairs]:
            for item in document.items:
                sold[item.sku] += item.quantity
        on_hand = dict(
            query(
                connection,
                """
                SELECT p.default_code, sum(q.quantity)
                  FROM stock_quant q JOIN product_product p ON p.id = q.product_id
                 WHERE q.location_id = %s GROUP BY p.default_code
                """,
                setup["stock"],
            )
        )
        assert on_hand == {sku: ON_HAND - sold[sku] for sku in skus}

        buyers = query(
            connection,
            "SELECT name, count(*) FROM res_partner WHERE name LIKE 'Stressz Vevő %%'"
            " GROUP BY name HAVING count(*) > 1",
        )
        assert not buyers, "each new buyer became one partner: %s" % buyers

        jobs = dict(
            query(
                connection,
                "SELECT state, count(*) FROM queue_job WHERE model_name = 'szamlazz.invoice'"
                " GROUP BY state",
            )
        )
        assert set(jobs) == {"done"}, "no job failed or was left: %s" % jobs
        keys = query(
            connection,
            "SELECT count(DISTINCT identity_key), count(*), count(*) FILTER"
            " (WHERE result LIKE 'Nothing to do%%') FROM queue_job"
            " WHERE model_name = 'szamlazz.invoice'",
        )[0]
        distinct_keys, job_count, no_ops = keys
        assert distinct_keys == len(numbers), "one identity per document and version"
        assert job_count <= len(numbers) + REPLAYS, "a replay enqueues a job at most once"
        extra_tries, most_tries = query(
            connection,
            "SELECT coalesce(sum(retry - 1), 0), coalesce(max(retry), 0) FROM queue_job",
        )[0]
        runners = [
            server.log.read_text(errors="replace").count("queue job runner ready for db")
            for server in servers
        ]
        with capsys.disabled():
            print(
                "\nqueue_job, two servers: %d documents (+%d replays) pushed, processed in"
                " %.0f s by %d jobs (%d no-ops, %d extra tries, at most %d for one);"
                " runjob requests per server %s; runner elected on %s; install %.0f s,"
                " total %.0f s"
                % (
                    DOCUMENTS,
                    REPLAYS,
                    processed_in,
                    job_count,
                    no_ops,
                    extra_tries,
                    most_tries,
                    list(proxy.forwarded.values()),
                    runners,
                    installed - started,
                    time.monotonic() - started,
                )
            )
        assert all(proxy.forwarded.values()), "jobs ran on both servers"
    finally:
        if connection is not None:
            connection.close()
        for server in running:
            server.stop()
        if proxy is not None:
            proxy.stop()
        clean_up(database, work)


def clean_up(database: str, work: Path) -> None:
    """Drop the database; keep the logs in var/queue-test/ (the last run's only)."""
    try:
        processes.drop_database(database)
    except Exception as error:  # the test's own result matters more than this message
        print("Could not drop database %s: %s" % (database, error), file=sys.stderr)
    keep = REPO / "var" / "queue-test"
    keep.mkdir(parents=True, exist_ok=True)
    for stale in keep.glob("*.log"):
        stale.unlink()
    for log in work.glob("*.log"):
        shutil.copy(log, keep / log.name)
    shutil.rmtree(work, ignore_errors=True)
