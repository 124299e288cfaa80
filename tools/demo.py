"""`make demo`: the sandbox, an Odoo database with the addon and demo data, connected, served.

Everything it starts runs in the foreground process group, so Ctrl-C stops it all.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
DATABASE = os.environ.get("SZAMLAZZ_DEMO_DB", "szamlazz_demo")
ODOO_PORT = int(os.environ.get("SZAMLAZZ_DEMO_ODOO_PORT", "8069"))
SANDBOX_PORT = int(os.environ.get("SZAMLAZZ_DEMO_SANDBOX_PORT", "8099"))
MODULES = "innonest_szamlazz,innonest_szamlazz_sale"
# Odoo's Hungarian localization: the chart of accounts and the 27/18/5 % ÁFA taxes.
LOCALIZATION = "l10n_hu"
AGENT_KEY = "sandbox-demo-key"
ODOO_URL = "http://127.0.0.1:%d" % ODOO_PORT
SANDBOX_URL = "http://127.0.0.1:%d" % SANDBOX_PORT
WEBSHOP_INVOICES = int(os.environ.get("SZAMLAZZ_DEMO_WEBSHOP_INVOICES", "3"))

# Runs inside `odoo shell` on a database with only `base`: what a Hungarian shop sets before
# it installs Accounting, so that Odoo picks the Hungarian chart of accounts and taxes itself.
HUNGARIAN_COMPANY_SCRIPT = """
hungary = env.ref("base.hu")
# As Hungarians (and Számlázz.hu's invoices) write it: postcode and town, then the street.
hungary.address_format = "%(zip)s %(city)s\\n%(street)s\\n%(street2)s\\n%(country_name)s"
forint = env.ref("base.HUF")
forint.active = True
company = env.ref("base.main_company")
company.write({"country_id": hungary.id, "currency_id": forint.id, "state_id": False})
env.ref("base.user_admin").write({"lang": "hu_HU", "tz": "Europe/Budapest"})
env.cr.commit()
"""

# Runs inside `odoo shell`: the same steps a manager clicks in the "Connect Számlázz.hu" wizard.
CONNECT_SCRIPT = """
import json
company = env.ref("base.main_company")
# Each sales tax of the Hungarian localization says which Számlázz.hu VAT key it is.
for tax in env["account.tax"].search([
    ("company_id", "=", company.id), ("type_tax_use", "=", "sale"),
    ("amount_type", "=", "percent"), ("amount", "in", (27, 18, 5)),
    ("szamlazz_vat_key", "=", False),
]):
    tax.szamlazz_vat_key = str(int(tax.amount))
# The demo products were created before the chart of accounts: they take its 27 %% ÁFA.
for xml_id in ("demo_product_mug_3dl", "demo_product_tshirt_m", "demo_product_tote_bag"):
    product = env.ref("innonest_szamlazz." + xml_id)
    if not product.taxes_id:
        product.taxes_id = company.account_sale_tax_id
params = env["ir.config_parameter"].sudo()
params.set_param("web.base.url", %(odoo_url)r)
params.set_param("web.base.url.freeze", "True")
params.set_param("innonest_szamlazz.agent_url", %(agent_url)r)
env["szamlazz.account"].search([("company_id", "=", company.id)]).agent_url = %(agent_url)r
wizard = env["szamlazz.connect.wizard"].with_company(company).create({"agent_key": %(agent_key)r})
wizard.action_check_key()
if wizard.step == "company":
    wizard.line_ids.apply = True  # the demo company takes all of the sandbox seller's data
    wizard.action_apply_company_data()
wizard.action_done()
account = wizard.account_id
env.cr.commit()
print("SZAMLAZZ_DEMO " + json.dumps({
    "push_url": account.push_url, "push_key": account.push_key, "ipn_url": account.ipn_url,
    "incoming_push_url": account.incoming_push_url,
    "receipt_push_url": account.receipt_push_url, "bank_push_url": account.bank_push_url,
    "state": account.state, "company": account.company_id.name,
    "error": wizard.error_message or "",
}))
"""


def shell(command):
    """Run a prerequisite check from tools/lib.sh; it explains itself when it fails."""
    result = subprocess.run(
        ["bash", "-c", ". tools/lib.sh && " + command],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(result.stderr.strip() or result.stdout.strip())
    return result.stdout.strip()


def odoo_command(*arguments, subcommand="server"):
    return [
        sys.executable,
        "-m",
        "odoo",
        subcommand,
        "--database",
        DATABASE,
        "--addons-path",
        shell('addons_path "%s"' % REPO),
        *arguments,
    ]


def odoo_environment():
    environment = dict(os.environ)
    paths = [str(REPO), os.environ.get("PYTHONPATH")]
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, paths))
    return environment


def database_exists():
    import psycopg2  # Odoo's dependency: imported once require_odoo has passed

    with psycopg2.connect(dbname="postgres") as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
        return bool(cursor.fetchone())


def start_sandbox(state_file):
    """The sandbox remembers its documents in ``state_file`` between demos, as Számlázz.hu
    would: numbers already in the demo database are never issued again."""
    command = [
        sys.executable,
        "-m",
        "szamlazz_sandbox",
        "--host",
        "127.0.0.1",
        "--port",
        str(SANDBOX_PORT),
        "--push-mode",
        "auto",
        "--state-file",
        str(state_file),
    ]
    xsd_dir = Path(shell('default_xsd_dir "%s"' % REPO))
    if xsd_dir.is_dir():
        command += ["--xsd-dir", str(xsd_dir)]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    if "listening on" not in line:
        process.terminate()
        sys.exit("The Számlázz.hu sandbox did not start on port %d: %r" % (SANDBOX_PORT, line))
    print("Sandbox:", line)
    return process


def run_odoo(*arguments):
    command = odoo_command(*arguments, "--stop-after-init", "--no-http", "--log-level", "warn")
    if subprocess.run(command, cwd=REPO, env=odoo_environment(), check=False).returncode:
        sys.exit("Installing the addons into %s failed: Odoo's log above says why." % DATABASE)


def run_shell(script):
    command = odoo_command("--no-http", "--log-level", "warn", subcommand="shell")
    result = subprocess.run(
        command,
        input=script,
        cwd=REPO,
        env=odoo_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit("Odoo's shell failed:\n%s%s" % (result.stdout, result.stderr))
    return result


def localized_for_hungary():
    import psycopg2  # Odoo's dependency: imported once require_odoo has passed

    with psycopg2.connect(dbname=DATABASE) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM ir_module_module WHERE name = %s AND state = 'installed'",
            (LOCALIZATION,),
        )
        return bool(cursor.fetchone())


def install_or_update():
    if database_exists():
        if not localized_for_hungary():
            sys.exit(
                "%s is a demo database of an earlier version (not a Hungarian company): drop "
                "it (dropdb %s) or set SZAMLAZZ_DEMO_DB to a new name, then run make demo "
                "again." % (DATABASE, DATABASE)
            )
        print("Updating %s ..." % DATABASE)
        run_odoo("--update", MODULES)
        return
    print("Creating %s with demo data, in Hungarian (a few minutes) ..." % DATABASE)
    run_odoo("--init", "base", "--load-language", "hu_HU")
    run_shell(HUNGARIAN_COMPANY_SCRIPT)
    run_odoo("--init", "%s,%s" % (MODULES, LOCALIZATION))


def connect_company():
    script = CONNECT_SCRIPT % {
        "odoo_url": ODOO_URL,
        "agent_key": AGENT_KEY,
        "agent_url": SANDBOX_URL + "/szamla/",
    }
    result = run_shell(script)
    for line in result.stdout.splitlines():
        if line.startswith("SZAMLAZZ_DEMO "):
            account = json.loads(line.split(" ", 1)[1])
            break
    else:
        sys.exit("Connecting the demo company failed:\n%s%s" % (result.stdout, result.stderr))
    if account["error"]:
        sys.exit("The sandbox refused the demo company's Agent key: " + account["error"])
    requests.post(
        SANDBOX_URL + "/_sandbox/accounts",
        timeout=10,
        json={
            "agent_key": AGENT_KEY,
            "push_url": account["push_url"],
            "incoming_push_url": account["incoming_push_url"],
            "receipt_push_url": account["receipt_push_url"],
            "bank_push_url": account["bank_push_url"],
            "push_key": account["push_key"],
            "ipn_url": account["ipn_url"],
        },
    ).raise_for_status()
    return account


def send_other_feeds(paid_numbers):
    """What the data connection sends besides invoices: a shop receipt (in its daily batch,
    sent now), a supplier invoice, one of whose items no product has yet, and a bank
    transaction naming the first webshop invoice (Odoo asks Számlázz.hu about it)."""
    control = SANDBOX_URL + "/_sandbox/"
    if paid_numbers:
        requests.post(
            control + "bank-transactions",
            timeout=30,
            json={
                "agent_key": AGENT_KEY,
                "transactions": [
                    {
                        "amount": 1000,
                        "reference": "Számla %s" % paid_numbers[0],
                        "counterparty": "Vásárló Kft.",
                    }
                ],
            },
        ).raise_for_status()
    requests.post(
        control + "receipts",
        timeout=30,
        json={
            "agent_key": AGENT_KEY,
            "prefix": "BOLT",
            "items": [
                {
                    "name": "Kerámia bögre, 3 dl",
                    "identifier": "DEMO-SKU-1",
                    "quantity": 2,
                    "net_unit_price": 2355,
                },
            ],
        },
    ).raise_for_status()
    requests.post(
        control + "receipts/send-batch", timeout=30, json={"agent_key": AGENT_KEY}
    ).raise_for_status()
    requests.post(
        control + "incoming",
        timeout=30,
        json={
            "agent_key": AGENT_KEY,
            "supplier": {
                "name": "Korondi Kerámia Nagykereskedés Kft.",
                "tax_number": "12345676-2-13",
                "zip": "6720",
                "city": "Szeged",
                "street": "Kárász utca 5.",
            },
            "items": [
                {
                    "name": "Kerámia bögre, 3 dl",
                    "identifier": "DEMO-SKU-1",
                    "quantity": 20,
                    "net_unit_price": 1200,
                },
                {
                    "name": "Ajándék díszdoboz",
                    "identifier": "PK-DOBOZ",
                    "quantity": 10,
                    "net_unit_price": 450,
                },
            ],
        },
    ).raise_for_status()


def port_is_free(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def serve_odoo(children):
    process = subprocess.Popen(
        odoo_command(
            "--http-interface", "127.0.0.1", "--http-port", str(ODOO_PORT), "--log-level", "warn"
        ),
        cwd=REPO,
        env=odoo_environment(),
    )
    children.append(process)
    for _ in range(120):
        if process.poll() is not None:
            sys.exit("Odoo stopped while starting: its log above says why.")
        try:
            # The first page builds Odoo's assets: it may take a while to answer.
            if requests.get(ODOO_URL + "/web/login", timeout=30).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    sys.exit("Odoo did not answer on %s within two minutes." % ODOO_URL)


def main():
    shell("require_odoo && require_postgres")
    for port, knob in (
        (ODOO_PORT, "SZAMLAZZ_DEMO_ODOO_PORT"),
        (SANDBOX_PORT, "SZAMLAZZ_DEMO_SANDBOX_PORT"),
    ):
        if not port_is_free(port):
            sys.exit("Port %d is in use: stop what runs there, or set %s." % (port, knob))
    state_file = REPO / "var" / ("%s.sandbox-state" % DATABASE)
    state_file.parent.mkdir(exist_ok=True)
    if not database_exists():
        state_file.unlink(missing_ok=True)  # a new database starts a new Számlázz.hu history
    children = [start_sandbox(state_file)]
    try:
        install_or_update()
        account = connect_company()
        serve_odoo(children)
        seeded = []
        if WEBSHOP_INVOICES:
            answer = requests.post(
                SANDBOX_URL + "/_sandbox/seed/webshop",
                timeout=30,
                json={"agent_key": AGENT_KEY, "count": WEBSHOP_INVOICES},
            )
            answer.raise_for_status()
            seeded = [document["number"] for document in answer.json()["documents"]]
        send_other_feeds(seeded[:1])
        print(INSTRUCTIONS.format(odoo=ODOO_URL, sandbox=SANDBOX_URL, **account))
        while all(child.poll() is None for child in children):
            time.sleep(1)
        print(
            "\n%s stopped by itself."
            % ("The sandbox" if children[0].poll() is not None else "Odoo")
        )
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping Odoo and the sandbox ...")
        for child in reversed(children):
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


INSTRUCTIONS = """
=====================================================================
 Odoo:     {odoo}   (login admin / password admin)
 Sandbox:  {sandbox}   (a local stand-in for Számlázz.hu)
 Company:  {company}, Számlázz.hu connection: {state}

 1. Inventory > Configuration > Számlázz.hu > Accounts: the company is
    connected; its four push URLs and its IPN URL are registered at the
    sandbox (tab "Register at Számlázz.hu").
 2. The sandbox has issued webshop invoices and pushed them to
    {push_url}.
    Inventory > Számlázz.hu > Documents ("Import now" if the scheduled
    action has not run yet): each is a validated delivery, and
    Inventory > Products shows on-hand quantities of DEMO-SKU-* dropping.
 3. A shop receipt (nyugta) BOLT-... came in the daily receipt batch: it
    is a document too, and its delivery took 2 x DEMO-SKU-1 from stock.
 4. Inventory > Számlázz.hu > Supplier invoices: the supplier's invoice
    left a receipt to check (Inventory > Receipts, not validated: count
    the goods, then Validate). Its gift box item matches no product: pick
    one on the Items tab, and the next invoice of that supplier matches it
    by itself.
 5. Inventory > Számlázz.hu > Bank transactions: a transfer whose note
    names a webshop invoice; Odoo asked Számlázz.hu about that invoice.
 6. Sales > a quotation > "Számlázz.hu Proforma" > Create Proforma; pay it in the sandbox:
    curl -X POST {sandbox}/_sandbox/documents/<number>/pay \\
         -H 'Content-Type: application/json' -d '{{"agent_key": "sandbox-demo-key"}}'
    the sandbox pushes the invoice; after the next import (or "Import now") the proforma
    is paid, the quotation confirmed and its delivery validated.

 Ctrl-C stops Odoo and the sandbox.
=====================================================================
"""


def stop_on_sigterm(_signum, _frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    main()
