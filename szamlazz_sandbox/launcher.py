"""Start `python -m szamlazz_sandbox` as a subprocess and stop it again: the one launcher
behind the pytest fixtures (`tests/conftest.py`) and the Odoo tests
(`innonest_szamlazz/tests/common.py`). Standard library only; it imports nothing else of
the sandbox, so loading it costs nothing.

    with SandboxLauncher(xsd_dir=path, push_mode="manual") as sandbox:
        sandbox.url                   # http://127.0.0.1:PORT
        sandbox.agent_url             # …/szamla/, for the client
        sandbox.control_url("reset")  # …/_sandbox/reset, the JSON control API
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

REPO_ROOT = Path(__file__).resolve().parents[1]
STARTUP_PREFIX = "szamlazz_sandbox listening on "


class SandboxStartError(RuntimeError):
    """The sandbox exited, printed something else, or said nothing within the timeout."""


def default_xsd_dir() -> Path:
    """Where the official XSDs are expected: $SZAMLAZZ_XSD_DIR, else <repo>/../shared/szamlazz-xsd
    (as `tools/lib.sh`'s `default_xsd_dir`). The path may not exist."""
    configured = os.environ.get("SZAMLAZZ_XSD_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "szamlazz-xsd"


class SandboxLauncher:
    """One `python -m szamlazz_sandbox` subprocess.

    Options map to the CLI: `xsd_dir` (None: no `--xsd-dir`, so the sandbox falls back to
    $SZAMLAZZ_XSD_DIR), `push_mode`, `host` (None: the sandbox's 127.0.0.1), `port` (0: a
    free one), `state_file`, `seed_webshop`, and `extra_args` appended as given.
    `env` (None: inherit), `cwd` (the repository root, where `-m` finds the package) and
    `stderr` (None: inherited; else anything `Popen` takes; with PIPE a failed start quotes
    it, and a running sandbox's stderr is the caller's to drain) go to `Popen`. stdout is a
    pipe from which only the startup line is read (the sandbox prints nothing else there).

    `start()` waits up to `startup_timeout` seconds for the line
    `szamlazz_sandbox listening on http://HOST:PORT` and raises `SandboxStartError`
    (a `RuntimeError`) otherwise, after stopping the process. `stop()` sends SIGTERM, waits
    `stop_timeout` seconds, then kills; it returns the exit code (0 after a clean shutdown)
    and may be called more than once. As a context manager it starts and stops.
    """

    def __init__(
        self,
        *,
        xsd_dir: str | os.PathLike[str] | None = None,
        push_mode: str = "manual",
        host: str | None = None,
        port: int = 0,
        state_file: str | os.PathLike[str] | None = None,
        seed_webshop: int = 0,
        extra_args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] = REPO_ROOT,
        stderr: Any = None,
        startup_timeout: float = 60.0,
        stop_timeout: float = 10.0,
        python: str = sys.executable,
    ):
        self.xsd_dir = xsd_dir
        self.push_mode = push_mode
        self.host = host
        self.port = port
        self.state_file = state_file
        self.seed_webshop = seed_webshop
        self.extra_args = list(extra_args)
        self.env = env
        self.cwd = cwd
        self.stderr = stderr
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.python = python
        self.process: subprocess.Popen[str] | None = None
        self.url: str | None = None
        self._reader: threading.Thread | None = None

    def command(self) -> list[str]:
        command = [self.python, "-m", "szamlazz_sandbox"]
        if self.host is not None:
            command += ["--host", self.host]
        command += ["--port", str(self.port), "--push-mode", self.push_mode]
        if self.xsd_dir is not None:
            command += ["--xsd-dir", str(self.xsd_dir)]
        if self.state_file is not None:
            command += ["--state-file", str(self.state_file)]
        if self.seed_webshop:
            command += ["--seed-webshop", str(self.seed_webshop)]
        return command + self.extra_args

    @property
    def agent_url(self) -> str:
        """The Számla Agent endpoint, `<url>/szamla/`."""
        return self._running_url() + "/szamla/"

    def control_url(self, path: str) -> str:
        """`<url>/_sandbox/<path>`, the JSON control API."""
        return self._running_url() + "/_sandbox/" + path.lstrip("/")

    def start(self) -> SandboxLauncher:
        if self.process is not None:
            raise RuntimeError("this sandbox launcher was already started")
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=None if self.env is None else dict(self.env),
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        line = self._startup_line()
        if line is None or not line.startswith(STARTUP_PREFIX):
            self._fail(line)
        self.url = line[len(STARTUP_PREFIX) :].rstrip("/")
        return self

    def stop(self) -> int | None:
        if self.process is None:
            return None
        self._terminate()
        self._close_pipes()
        return self.process.returncode

    def __enter__(self) -> SandboxLauncher:
        return self if self.process is not None else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _startup_line(self) -> str | None:
        """The first stdout line (stripped), "" at EOF, None when the timeout passed first.
        Read on a thread so that a sandbox that hangs cannot hang the tests."""
        lines: queue.Queue[str] = queue.Queue(maxsize=1)
        stdout: IO[str] = self.process.stdout

        def read() -> None:
            try:
                lines.put(stdout.readline().strip())
            except (OSError, ValueError):  # the pipe was closed under us
                lines.put("")

        self._reader = threading.Thread(target=read, name="szamlazz_sandbox-startup", daemon=True)
        self._reader.start()
        try:
            return lines.get(timeout=self.startup_timeout)
        except queue.Empty:
            return None

    def _fail(self, line: str | None) -> None:
        self._terminate()
        process = self.process
        stderr = ""
        if process.stderr is not None:  # stderr=PIPE: tell what the sandbox said
            with contextlib.suppress(OSError, ValueError):
                stderr = process.stderr.read()[-4000:]
        self._close_pipes()
        what = "nothing within %g s" % self.startup_timeout if line is None else repr(line)
        message = "The Számlázz.hu sandbox did not start: %s (exit code %s; %s)" % (
            what,
            process.returncode,
            " ".join(self.command()),
        )
        if stderr.strip():
            message += "; its stderr:\n" + stderr
        raise SandboxStartError(message)

    def _terminate(self) -> None:
        process = self.process
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)  # its pipe is at EOF once the process is gone

    def _close_pipes(self) -> None:
        stdout = self.process.stdout
        if self._reader is not None and self._reader.is_alive():
            # A child of the process still holds the pipe: closing it would wait for the
            # blocked reader. Leave both to the daemon thread and the garbage collector.
            stdout = None
        for stream in (stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def _running_url(self) -> str:
        if self.url is None:
            raise RuntimeError("the sandbox is not running: call start() first")
        return self.url
