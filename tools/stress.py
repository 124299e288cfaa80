"""`make stress`: the reliability suite against a real `--workers 2` Odoo server.

A throw-away database with both addons, the sandbox standing in for Számlázz.hu, the
company connected to it; then five scenarios (push flood, concurrent imports, kill -9
mid-batch, IPN flood during a slow re-query, bad input). Figures go to stdout, one per
line, ``name: value (target)``; progress and details go to stderr. Exits 1 when a figure
misses its target, 2 when the suite could not run. Knobs: README.md, "make stress".
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from stress import bad_input, figures, ipn_flood, processes, scenarios
from stress.context import INITIAL_ON_HAND, Context, Knobs
from stress.documents import Factory, SchemaCheck
from stress.remote import Rpc, Sandbox

AGENT_KEY = "sandbox-demo-key"
SCENARIOS = {
    "flood": ("1. push flood", scenarios.push_flood),
    "import": ("2. two importers and the cron over one inbox", scenarios.concurrent_import),
    "kill": ("3. kill -9 in the middle of a batch", scenarios.kill_during_import),
    "ipn": ("4. IPN flood during a slow re-query", ipn_flood.ipn_flood),
    "bad": ("5. bad-input catalogue", bad_input.bad_inputs),
}


def knob(name: str, default: float, kind=int):
    raw = os.environ.get(name, "")
    try:
        value = kind(raw) if raw else default
    except ValueError:
        raise SystemExit("%s must be a number, not %r." % (name, raw)) from None
    if value <= 0:
        raise SystemExit("%s must be positive." % name)
    return value


def read_knobs() -> Knobs:
    return Knobs(
        documents=knob("SZAMLAZZ_STRESS_DOCUMENTS", 200),
        threads=knob("SZAMLAZZ_STRESS_THREADS", 4),
        kill_documents=knob("SZAMLAZZ_STRESS_KILL_DOCUMENTS", 100),
        ipn_posts=knob("SZAMLAZZ_STRESS_IPN_POSTS", 300),
        ipn_documents=knob("SZAMLAZZ_STRESS_IPN_DOCUMENTS", 10),
        latency_seconds=knob("SZAMLAZZ_STRESS_LATENCY_SECONDS", 3, float),
        products=knob("SZAMLAZZ_STRESS_PRODUCTS", 5),
        import_timeout=knob("SZAMLAZZ_STRESS_IMPORT_TIMEOUT", 240, float),
    )


def selected_scenarios() -> list[str]:
    names = os.environ.get("SZAMLAZZ_STRESS_SCENARIOS", ",".join(SCENARIOS)).split(",")
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        raise SystemExit(
            "SZAMLAZZ_STRESS_SCENARIOS: unknown %s (known: %s)" % (unknown, ",".join(SCENARIOS))
        )
    return [name for name in SCENARIOS if name in names]


def create_products(rpc: Rpc, count: int) -> dict:
    """Storable products ``STR-SKU-n`` with INITIAL_ON_HAND each, set as a user would
    (the "Update Quantity" wizard), so the import's deliveries have stock to take."""
    products = {}
    for n in range(1, count + 1):
        sku = "STR-SKU-%d" % n
        product_id = rpc(
            "product.product",
            "create",
            {"name": "Stressz termék %d" % n, "default_code": sku, "is_storable": True},
        )
        template_id = rpc("product.product", "read", [product_id], ["product_tmpl_id"])[0][
            "product_tmpl_id"
        ][0]
        wizard = rpc(
            "stock.change.product.qty",
            "create",
            {
                "product_id": product_id,
                "product_tmpl_id": template_id,
                "new_quantity": INITIAL_ON_HAND,
            },
        )
        rpc("stock.change.product.qty", "change_product_qty", [wizard])
        products[sku] = product_id
    return products


DAILY_ACTIONS = ("ir_cron_szamlazz_refresh_payment_status", "ir_cron_szamlazz_payment_reminders")
DAILY_ACTIONS_TIMEOUT = 120


def wait_for_daily_actions(rpc: Rpc) -> None:
    """Let the cron worker run the addon's daily actions, due since the install, on the
    still empty database. Otherwise the payment refresh runs whenever the cron worker first
    gets to it, flags every unpaid document pushed by then and re-queries them all: in
    one run inside scenario 3, in another inside scenario 4's query count."""
    data = rpc(
        "ir.model.data",
        "search_read",
        [("module", "=", "innonest_szamlazz"), ("name", "in", DAILY_ACTIONS)],
        fields=["res_id"],
    )
    cron_ids = [row["res_id"] for row in data]
    started = time.monotonic()
    while time.monotonic() < started + DAILY_ACTIONS_TIMEOUT:
        crons = rpc("ir.cron", "read", cron_ids, ["active", "lastcall"])
        if all(cron["lastcall"] or not cron["active"] for cron in crons):
            figures.note("   daily actions ran after %.0f s" % (time.monotonic() - started))
            return
        time.sleep(1)
    figures.note("   the daily actions had not run after %d s; going on" % DAILY_ACTIONS_TIMEOUT)


def set_up(knobs: Knobs, schema: SchemaCheck, xsd_dir: Path, database: str, work: Path, cleanup):
    figures.note("== setting up: sandbox, database %s, both addons" % database)
    started = time.monotonic()
    sandbox_process = processes.SandboxProcess(xsd_dir, work / "sandbox.log")
    cleanup.children.append(sandbox_process)
    odoo = processes.OdooServer(database, work)
    cleanup.children.append(odoo)
    odoo.install()
    figures.note("   installed in %.0f s" % (time.monotonic() - started))
    account_id = processes.connect_company(odoo, sandbox_process.url, AGENT_KEY)
    odoo.start()
    rpc = Rpc(odoo.url, database)
    account = rpc("szamlazz.account", "read", [account_id], ["push_key", "push_url", "ipn_url"])[0]
    sandbox = Sandbox(sandbox_process.url, AGENT_KEY)
    sandbox.call(
        "POST",
        "/_sandbox/accounts",
        {
            "agent_key": AGENT_KEY,
            "push_url": account["push_url"],
            "push_key": account["push_key"],
            "ipn_url": account["ipn_url"],
        },
    )
    products = create_products(rpc, knobs.products)
    wait_for_daily_actions(rpc)
    warehouse = rpc("stock.warehouse", "search_read", [], fields=["lot_stock_id"], limit=1)[0]
    figures.note("   Odoo %s (workers 2, cron 1), sandbox %s" % (odoo.url, sandbox_process.url))
    if odoo.gevent_standin:
        figures.note(
            "   gevent cannot start in this Python (import gevent.monkey; patch_all() fails):"
            " Odoo's websocket worker is a waiting stand-in, see tools/stress/run_odoo.py"
        )
    return Context(
        knobs=knobs,
        odoo=odoo,
        sandbox=sandbox,
        rpc=rpc,
        factory=Factory(list(products), schema),
        account_id=account_id,
        push_key=account["push_key"],
        push_url=account["push_url"],
        ipn_url=account["ipn_url"],
        products=products,
        stock_location_id=warehouse["lot_stock_id"][0],
    )


def schema_dir() -> Path:
    return Path(processes.lib_sh('default_xsd_dir "%s"' % processes.REPO))


def check_builder(schema: SchemaCheck) -> None:
    """Every shape of good document once, before anything is started: a builder defect
    stops here, not as a figure blamed on Odoo."""
    Factory(["STR-SKU-1", "STR-SKU-2"], schema).batch(3)


def load_schema() -> tuple[Path, SchemaCheck]:
    xsd_dir = schema_dir()
    if not (xsd_dir / "szamla.xsd").is_file():
        raise SystemExit(
            "The official Számlázz.hu XSDs are not in %s.\nDownload them from szamlazz.hu "
            "(see README.md, Configuration) and set SZAMLAZZ_XSD_DIR." % xsd_dir
        )
    schema = SchemaCheck(xsd_dir)
    check_builder(schema)
    return xsd_dir, schema


def run(selected: list[str], knobs: Knobs, schema: tuple, database: str, work: Path, cleanup):
    context = set_up(knobs, schema[1], schema[0], database, work, cleanup)
    results = []
    for name in selected:
        title, scenario = SCENARIOS[name]
        figures.note("== %s" % title)
        started = time.monotonic()
        for figure in scenario(context):
            results.append(figures.report(figure))
        figures.note("   (%.0f s)" % (time.monotonic() - started))
    return results


def main() -> int:
    started = time.monotonic()
    processes.lib_sh("require_odoo && require_postgres")
    knobs, selected = read_knobs(), selected_scenarios()
    schema = load_schema()  # before anything starts: nothing to clean up if it fails
    database = "szamlazz_stress_%d" % os.getpid()
    work = Path(tempfile.mkdtemp(prefix="szamlazz-stress-"))
    cleanup = processes.Cleanup(database, work, processes.REPO / "var" / "stress")
    try:
        results = run(selected, knobs, schema, database, work, cleanup)
    finally:
        figures.note("== cleaning up (logs kept in var/stress/)")
        cleanup.run()
    elapsed = time.monotonic() - started
    results.append(figures.report(figures.info("run time s", round(elapsed))))
    failed = [figure for figure in results if figure.ok is False]
    print("make stress: %d figures, %d missed their target" % (len(results), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit as stop:
        if isinstance(stop.code, str):
            print("\n" + stop.code, file=sys.stderr)
            sys.exit(2)
        raise
    except Exception:
        # The suite's own failure is not a missed target: exit 2, as for a setup problem.
        traceback.print_exc()
        sys.exit(2)
