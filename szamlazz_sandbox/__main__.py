"""`python -m szamlazz_sandbox`: run the sandbox until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from .seed import seed_webshop
from .server import SandboxServer, build_app
from .store import DEMO_AGENT_KEY


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m szamlazz_sandbox", description="A local stand-in for Számlázz.hu."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099, help="0 picks a free port")
    parser.add_argument(
        "--xsd-dir",
        default=os.environ.get("SZAMLAZZ_XSD_DIR"),
        help="official XSDs; requests are validated only when given (default: $SZAMLAZZ_XSD_DIR)",
    )
    parser.add_argument("--push-mode", choices=("auto", "manual"), default="auto")
    parser.add_argument(
        "--seed-webshop",
        type=int,
        default=0,
        metavar="N",
        help="issue N webshop invoices (prefix WEB) on start",
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        metavar="PATH",
        help="continue from the documents saved here and save them on exit, "
        "so numbering never restarts (default: state is in memory)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.xsd_dir and not os.path.isdir(args.xsd_dir):
        print(f"--xsd-dir {args.xsd_dir} is not a directory", file=sys.stderr)
        return 2
    app = build_app(args.xsd_dir, args.push_mode)
    if args.state_file and args.state_file.exists():
        app.store.load(args.state_file)
    if args.seed_webshop:
        account = app.store.account(DEMO_AGENT_KEY)
        with app.store.lock:
            _, changes = seed_webshop(app.store, account, args.seed_webshop)
            app.pushes.enqueue(changes)
    server = SandboxServer((args.host, args.port), app)
    host, port = server.server_address[:2]

    def stop(signum, frame):
        # shutdown() blocks until serve_forever returns, so it cannot run on this thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    app.pushes.start()
    print(f"szamlazz_sandbox listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        app.pushes.stop()
        server.server_close()
        if args.state_file:
            app.store.save(args.state_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
