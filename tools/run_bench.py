"""`make bench`, part two: the import and the push endpoint against their goals, side by
side in one run on a throw-away database (part one, ``benchmarks/``, times the client).

1. ``bench/import_floor.py``: N webshop invoices (five lines, 60 buyers) stored and
   imported as the scheduled action does, beside the same pickings made with the bare
   ORM in batches (create, confirm, set quantities, validate): time and SQL queries per
   document, and the memory after N and after N + MORE documents.
2. ``bench/push_rate.py``: documents per second ``/szamlazz/push`` stores from 1 and from
   4 senders, on a ``--workers 2`` server whose import is active, as in a shop (each push
   starts it), but has no cron worker to run it during the measurement.

Prints one line per figure, ``name: value (target)``, and the ratios; exits 0 (it
reports, it does not judge). Knobs: ``SZAMLAZZ_BENCH_DOCUMENTS`` (1000),
``SZAMLAZZ_BENCH_MEMORY_DOCUMENTS`` (10000, the total for the second memory reading; 0
skips it), ``SZAMLAZZ_BENCH_PUSHES`` (400 per sender count).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stress import processes

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).with_name("bench")

PUSH_ACCOUNT_SCRIPT = """
import json
# As in a shop: the import is active and nothing is planned yet, so pushes plan it.
cron = env.ref("innonest_szamlazz.ir_cron_szamlazz_import")
cron.active = True
env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
company = env.ref("base.main_company")
account = env["szamlazz.account"].search([("company_id", "=", company.id)]) or env[
    "szamlazz.account"
].create({"company_id": company.id, "agent_key": "bench", "state": "connected"})
account.write({"state": "connected", "document_intake": "push"})
env.cr.commit()
print("BENCH_ACCOUNT " + json.dumps({"push_key": account.push_key}))
"""


def knob(name, default):
    raw = os.environ.get(name, "")
    if raw and not raw.isdigit():
        raise SystemExit("%s must be a whole number, not %r." % (name, raw))
    return int(raw) if raw else default


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def import_figures(odoo, documents, memory_documents):
    command = [
        sys.executable,
        str(BENCH / "import_floor.py"),
        str(documents),
        str(max(memory_documents - documents, 0)),
        "--database",
        odoo.database,
        "--addons-path",
        odoo.addons_path,
        "--data-dir",
        str(odoo.work / "data"),
        "--log-level",
        "warn",
    ]
    result = subprocess.run(
        command,
        cwd=REPO,
        env=processes.odoo_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH ") :])
    raise SystemExit("The import bench failed:\n%s%s" % (result.stdout, result.stderr[-4000:]))


def push_figures(odoo, pushes):
    output = odoo.shell(PUSH_ACCOUNT_SCRIPT)
    account = json.loads(
        next(line for line in output.splitlines() if line.startswith("BENCH_ACCOUNT "))[14:]
    )
    odoo.start("--max-cron-threads", "0")
    writer = load("szamla_documents", REPO / "innonest_szamlazz/tests/szamla_documents.py")
    rate = load("push_rate", BENCH / "push_rate.py")
    pdf = load("import_floor", BENCH / "import_floor.py").PDF

    def bodies(prefix):
        return [
            writer.szamla_xml(
                "%s-2026-%d" % (prefix, number),
                items=[("Bench %d" % line, "BENCH-%d" % line, 1, 1000) for line in range(5)],
                order_number="%s-%d" % (prefix, number),
                pdf=pdf,
            )
            for number in range(1, pushes + 1)
        ]

    url = odoo.url + "/szamlazz/push"
    rate.push_rate(url, account["push_key"], bodies("WARM")[:20], 2)  # workers loaded
    figures = {}
    for senders, prefix in ((1, "ONE"), (4, "FOUR")):
        per_second, p50, failures = rate.push_rate(
            url, account["push_key"], bodies(prefix), senders
        )
        figures[senders] = (per_second, p50, failures)
    odoo.stop()
    return figures


def main():
    documents = knob("SZAMLAZZ_BENCH_DOCUMENTS", 1000)
    memory_documents = knob("SZAMLAZZ_BENCH_MEMORY_DOCUMENTS", 10000)
    pushes = knob("SZAMLAZZ_BENCH_PUSHES", 400)
    processes.lib_sh("require_odoo && require_postgres")
    work = Path(tempfile.mkdtemp(prefix="szamlazz-bench-"))
    database = "szamlazz_bench_%d" % os.getpid()
    cleanup = processes.Cleanup(database, work, REPO / "var" / "bench-logs")
    odoo = processes.OdooServer(database, work)
    cleanup.children.append(odoo)
    started = time.monotonic()
    print("Installing the addons into %s ..." % database, file=sys.stderr, flush=True)
    odoo.install()
    print("Importing %d documents beside the bare-ORM floor ..." % documents, file=sys.stderr)
    imported = import_figures(odoo, documents, memory_documents)
    print("Pushing %d documents from 1, then 4 senders ..." % pushes, file=sys.stderr)
    pushed = push_figures(odoo, pushes)

    time_ratio = imported["import_ms"] / imported["floor_ms"]
    extra_queries = imported["import_queries"] - imported["floor_queries"]
    lines = [
        "import per document: %.1f ms, %.1f queries (+ %.1f ms, %.1f queries to store)"
        % (
            imported["import_ms"],
            imported["import_queries"],
            imported["store_ms"],
            imported["store_queries"],
        ),
        "bare-ORM batch floor per document: %.1f ms, %.1f queries"
        % (imported["floor_ms"], imported["floor_queries"]),
        "import / floor time: %.2f x (target <= 1.3 x)" % time_ratio,
        "import queries - floor queries: %+.1f per document (target <= +15)" % extra_queries,
        "memory after %d documents: %.1f MB" % (documents, imported["memory_mb_after_first"]),
    ]
    if "memory_mb_midway" in imported:
        lines.append(
            "memory after %d documents: %.1f MB"
            % (imported["memory_documents_midway"], imported["memory_mb_midway"])
        )
    if "memory_mb_after_all" in imported:
        growth = imported["memory_mb_after_all"] - imported["memory_mb_after_first"]
        lines.append(
            "memory after %d documents: %.1f MB (%+.1f MB; target: flat)"
            % (imported["memory_documents"], imported["memory_mb_after_all"], growth)
        )
    for senders, (per_second, p50, failures) in pushed.items():
        lines.append(
            "push endpoint, %d sender%s: %.0f documents/s stored, p50 %.0f ms, %d not 200"
            " (target >= 100/s)" % (senders, "" if senders == 1 else "s", per_second, p50, failures)
        )
    lines.append("make bench (import and push): %.0f s" % (time.monotonic() - started))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
