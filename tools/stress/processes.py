"""The sandbox, the Odoo server and the throw-away database: started, killed, cleaned up.

Each child runs in a process group of its own, so one ``killpg`` reaches Odoo's workers
and cron process too; cleanup runs from ``finally``, ``atexit`` and the signal handlers
alike and is safe to run twice.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
SELLER_TAX_NUMBER = "12345678-2-42"  # the sandbox account's seller
MODULES = "innonest_szamlazz,innonest_szamlazz_sale"
INSTALL_TIMEOUT = 900
READY_TIMEOUT = 180
RUN_ODOO = Path(__file__).with_name("run_odoo.py")


def lib_sh(command: str) -> str:
    """Run a helper of tools/lib.sh (prerequisite checks explain themselves)."""
    result = subprocess.run(
        ["bash", "-c", ". tools/lib.sh && " + command],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(result.stderr.strip() or result.stdout.strip())
    return result.stdout.strip()


def free_port() -> int:
    return int(lib_sh("free_port"))


def odoo_environment(gevent_standin: bool = False) -> dict:
    environment = dict(os.environ)
    environment["SZAMLAZZ_STRESS_GEVENT_STANDIN"] = "1" if gevent_standin else "0"
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO), os.environ.get("PYTHONPATH")])
    )
    return environment


def gevent_works() -> bool:
    """Whether Odoo's websocket worker can start here (it monkey-patches with gevent)."""
    check = "import gevent.monkey; gevent.monkey.patch_all()"
    try:
        result = subprocess.run(
            [sys.executable, "-c", check], capture_output=True, timeout=60, check=False
        )
    except subprocess.TimeoutExpired:
        return False
    return result.returncode == 0


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log at %s)" % path


def stop_group(process: subprocess.Popen | None, grace: float = 10) -> None:
    """SIGTERM the child's process group, SIGKILL what is left after ``grace`` seconds."""
    if process is None or (process.poll() is not None and not _group_alive(process.pid)):
        return
    _signal_group(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _group_alive(process.pid):
        time.sleep(0.2)
    _signal_group(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def _group_alive(pgid: int) -> bool:
    """Whether a live (not zombie) process is left in the group: killed workers are
    reparented, and whoever reaps them may take its time."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return not Path("/proc/self/stat").exists()


class SandboxProcess:
    STARTUP_TIMEOUT = 30

    def __init__(self, xsd_dir: Path, log: Path):
        self.log = log
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "szamlazz_sandbox", "--host", "127.0.0.1", "--port", "0"]
                + ["--push-mode", "manual", "--xsd-dir", str(xsd_dir)],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                start_new_session=True,
            )
        # Its one startup line, or nothing: a sandbox that hangs must not hang the suite.
        ready, _, _ = select.select([self.process.stdout], [], [], self.STARTUP_TIMEOUT)
        line = self.process.stdout.readline().strip() if ready else ""
        prefix = "szamlazz_sandbox listening on "
        if not line.startswith(prefix):
            stop_group(self.process)
            raise SystemExit(
                "The Számlázz.hu sandbox did not start (first line %r); its stderr:\n%s"
                % (line, tail(log))
            )
        self.url = line[len(prefix) :]

    def stop(self) -> None:
        stop_group(self.process)


class OdooServer:
    """One database, one data dir; ``start`` and ``kill9`` may alternate."""

    def __init__(
        self, database: str, work: Path, modules: str = MODULES, log_name: str = "odoo.log"
    ):
        self.database = database
        self.work = work
        self.modules = modules
        self.addons_path = lib_sh('addons_path "%s"' % REPO)
        self.port = free_port()
        self.gevent_port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = work / log_name
        self.process: subprocess.Popen | None = None
        self.gevent_standin = not gevent_works()

    def _command(self, *arguments: str, subcommand: str = "server") -> list[str]:
        return [
            sys.executable,
            str(RUN_ODOO),
            subcommand,
            "--database",
            self.database,
            "--addons-path",
            self.addons_path,
            "--data-dir",
            str(self.work / "data"),
            *arguments,
        ]

    def install(self) -> None:
        command = self._command(
            "--init", self.modules, "--without-demo", "all", "--stop-after-init", "--no-http"
        )
        command += ["--log-level", "warn", "--logfile", str(self.work / "install.log")]
        try:
            result = subprocess.run(
                command, cwd=REPO, env=odoo_environment(), timeout=INSTALL_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise SystemExit(
                "Installing %s took over %d s." % (self.modules, INSTALL_TIMEOUT)
            ) from None
        if result.returncode:
            raise SystemExit(
                "Installing %s failed; the log's tail:\n%s"
                % (self.modules, tail(self.work / "install.log"))
            )

    def shell(self, script: str) -> str:
        """Run ``script`` in ``odoo shell`` (no HTTP); its stdout."""
        command = self._command("--no-http", "--log-level", "warn", subcommand="shell")
        result = subprocess.run(
            command,
            input=script,
            cwd=REPO,
            env=odoo_environment(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode:
            raise SystemExit("odoo shell failed:\n%s%s" % (result.stdout, result.stderr[-3000:]))
        return result.stdout

    def start(self, *arguments: str, environment: dict | None = None) -> None:
        """Serve with two HTTP workers and one cron worker, on loopback only; ``arguments``
        and ``environment`` are added to Odoo's."""
        command = self._command(
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.port),
            "--gevent-port",
            str(self.gevent_port),
            "--workers",
            "2",
            "--max-cron-threads",
            "1",
            "--limit-time-real",
            "120",
            "--log-level",
            "warn",
            *arguments,
        )
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO,
                env=dict(odoo_environment(self.gevent_standin), **(environment or {})),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    "Odoo stopped while starting; its log's tail:\n%s" % tail(self.log)
                )
            try:
                if requests.get(self.url + "/web/login", timeout=30).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise SystemExit(
            "Odoo did not answer on %s within %d s; its log's tail:\n%s"
            % (self.url, READY_TIMEOUT, tail(self.log))
        )

    def kill9(self) -> None:
        """kill -9 the whole process group: the master, both workers and the cron worker."""
        if self.process is None:
            return
        _signal_group(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _group_alive(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)

    def stop(self) -> None:
        stop_group(self.process)


def drop_database(database: str) -> None:
    import psycopg2  # Odoo's dependency: importable once require_odoo passed

    connection = psycopg2.connect(dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            # FORCE: a kill -9 may leave backends that have not noticed yet (PostgreSQL 13+).
            cursor.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % database)
    finally:
        connection.close()


class Cleanup:
    """Stops what was started and drops the database, once, however the run ends."""

    def __init__(self, database: str, work: Path, keep_logs: Path):
        self.database, self.work, self.keep_logs = database, work, keep_logs
        self.children: list = []
        self.done = False
        atexit.register(self.run)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, _frame):
        raise SystemExit("stopped by signal %d" % signum)

    def run(self) -> None:
        if self.done:
            return
        self.done = True
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut cleanup short
        for child in reversed(self.children):
            child.stop()
        try:
            drop_database(self.database)
        except Exception as error:  # the run's own result matters more than this message
            print("Could not drop database %s: %s" % (self.database, error), file=sys.stderr)
        self.keep_logs.mkdir(parents=True, exist_ok=True)
        for stale in self.keep_logs.glob("*.log"):
            stale.unlink()
        for log in self.work.glob("*.log"):
            shutil.copy(log, self.keep_logs / log.name)
        shutil.rmtree(self.work, ignore_errors=True)


# Runs inside `odoo shell`: the connect wizard's steps, as tools/demo.py takes them.
CONNECT_SCRIPT = """
import json
params = env["ir.config_parameter"].sudo()
params.set_param("web.base.url", %(odoo_url)r)
params.set_param("web.base.url.freeze", "True")
params.set_param("innonest_szamlazz.agent_url", %(agent_url)r)
company = env.ref("base.main_company")
env["szamlazz.account"].search([("company_id", "=", company.id)]).agent_url = %(agent_url)r
# Without demo data the company has no tax number yet: the sandbox seller's is the shop's.
wizard = env["szamlazz.connect.wizard"].with_company(company).create(
    {"agent_key": %(agent_key)r, "tax_number": %(tax_number)r}
)
wizard.action_check_key()
if wizard.step == "company":
    wizard.line_ids.apply = True
    wizard.action_apply_company_data()
wizard.action_done()
env.cr.commit()
print("SZAMLAZZ_STRESS " + json.dumps({
    "account_id": wizard.account_id.id, "state": wizard.account_id.state,
    "error": wizard.error_message or "",
}))
"""


def connect_company(odoo: OdooServer, sandbox_url: str, agent_key: str) -> int:
    """Connect the main company to the sandbox; the account's id."""
    output = odoo.shell(
        CONNECT_SCRIPT
        % {
            "odoo_url": odoo.url,
            "agent_key": agent_key,
            "agent_url": sandbox_url + "/szamla/",
            "tax_number": SELLER_TAX_NUMBER,
        }
    )
    for line in output.splitlines():
        if line.startswith("SZAMLAZZ_STRESS "):
            result = json.loads(line.split(" ", 1)[1])
            break
    else:
        raise SystemExit("Connecting the company to the sandbox printed nothing:\n" + output)
    if result["error"] or result["state"] != "connected":
        raise SystemExit("The company did not connect to the sandbox: %s" % result)
    return result["account_id"]
