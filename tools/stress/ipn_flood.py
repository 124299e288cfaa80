"""Scenario 4: an IPN flood while a re-query crawls (the sandbox answers the Agent slowly).

IPNs only flag documents for a re-query, so the flood must neither slow the login page nor
pushes, nor cost more than one Agent query per document named.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from . import figures
from .context import Context, run_import
from .documents import BUYERS
from .remote import Answer, http

FAULT_TIMES = 20  # agent requests the sandbox answers slowly
MIN_SAMPLES = 20  # per probe, even when the flood is over sooner
SETTLE_POLLS = 3


def ipn_flood(context: Context) -> list[figures.Figure]:
    numbers = _documents_known_to_szamlazz(context, context.knobs.ipn_documents)
    before, _ = context.sandbox.agent_queries()
    context.sandbox.call(
        "POST",
        "/_sandbox/faults",
        {"kind": "latency", "seconds": context.knobs.latency_seconds, "times": FAULT_TIMES},
    )
    try:
        ipn_answers, login, pushes = _flood_during_slow_import(context, numbers)
        after, asked = _settled_agent_queries(context)
        delayed = FAULT_TIMES - _latency_faults_left(context)
    finally:
        context.sandbox.call("DELETE", "/_sandbox/faults")
    _explain(ipn_answers, login, pushes, asked[before:], numbers)
    return [
        figures.below("login p95 ms", round(figures.p95(login.seconds) * 1000), 1000),
        figures.below("push p95 ms during flood", round(figures.p95(pushes.seconds) * 1000), 1000),
        figures.at_most(
            "agent queries during flood", after - before, len(numbers), " documents named"
        ),
        figures.equal(
            "IPN 2xx", sum(_ok(answer.status) for answer in ipn_answers), len(ipn_answers)
        ),
        figures.info("Agent answers delayed %gs" % context.knobs.latency_seconds, delayed),
        figures.info("login samples", len(login.seconds)),
        figures.info("push samples during flood", len(pushes.seconds)),
    ]


def _flood_during_slow_import(context: Context, numbers: list[str]):
    """IPNs flag ``numbers``; one import pass starts re-querying them (slowly); the flood
    and the two probes run meanwhile. ``(IPN answers, login probe, push probe)``."""
    marked = [_post_ipn(context, number) for number in numbers]
    importer = threading.Thread(target=_one_import, args=(context,), daemon=True)
    importer.start()
    flood_done = threading.Event()
    login, pushes = _Probe(), _Probe()
    probes = [
        threading.Thread(target=_probe_login, args=(context, login, flood_done)),
        threading.Thread(target=_probe_push, args=(context, pushes, flood_done)),
    ]
    for probe in probes:
        probe.start()
    flood = _flood(context, numbers, context.knobs.ipn_posts)
    flood_done.set()
    for probe in probes:
        probe.join()
    importer.join(timeout=300)
    return marked + flood, login, pushes


def _documents_known_to_szamlazz(context: Context, count: int) -> list[str]:
    """Documents the sandbox itself issued and pushed (a re-query must find them there),
    imported into Odoo before the flood starts."""
    skus = list(context.products)
    numbers = []
    for n in range(count):
        buyer = BUYERS[n % len(BUYERS)]
        document = context.sandbox.call(
            "POST",
            "/_sandbox/documents",
            {
                "agent_key": context.sandbox.agent_key,
                "kind": "SZ",
                "buyer": {**buyer, "street": "Fő utca 1."},
                "items": [
                    {
                        "name": "Stressz termék",
                        "identifier": skus[n % len(skus)],
                        "quantity": 1,
                        "net_unit_price": 1000,
                        "vat_rate": "27",
                    }
                ],
            },
        )
        numbers.append(document["number"])
    _flush_pushes(context)
    run_import(context, importers=1)
    return numbers


def _flush_pushes(context: Context, attempts: int = 5) -> None:
    for _ in range(attempts):
        result = context.sandbox.call("POST", "/_sandbox/push/flush", timeout=120)
        if not result["failed"]:
            return
        time.sleep(1)
    figures.note("  the sandbox could not deliver every push: %s" % result["failed"][:3])


def _post_ipn(context: Context, number: str) -> Answer:
    return http("POST", context.ipn_url, data={"szlahu_szamlaszam": number})


def _one_import(context: Context) -> None:
    """One import pass: it re-queries the flagged documents, slowly."""
    try:
        context.rpc("szamlazz.account", "import_documents", [])
    except Exception as error:  # reported; the figures tell the rest
        figures.note("  the slow import ended with: %s" % str(error)[:300])


def _flood(context: Context, numbers: list[str], posts: int) -> list[Answer]:
    named = itertools.islice(itertools.cycle(numbers), posts)
    with ThreadPoolExecutor(context.knobs.threads) as pool:
        return list(pool.map(lambda number: _post_ipn(context, number), named))


class _Probe:
    def __init__(self):
        self.seconds: list[float] = []
        self.failures: list = []


def _probe_login(context: Context, probe: _Probe, flood_done: threading.Event) -> None:
    while not flood_done.is_set() or len(probe.seconds) < MIN_SAMPLES:
        answer = http("GET", context.odoo.url + "/web/login", timeout=30)
        probe.seconds.append(answer.seconds)
        if answer.status != 200:
            probe.failures.append(answer.status or answer.error)


def _probe_push(context: Context, probe: _Probe, flood_done: threading.Event) -> None:
    """New documents, one at a time; the whole exchange counts, 503 retries included."""
    while not flood_done.is_set() or len(probe.seconds) < MIN_SAMPLES:
        document = context.factory.next()
        started = time.perf_counter()
        context.pushed.append(document)
        outcome = context.push(document)
        probe.seconds.append(time.perf_counter() - started)
        if not outcome.ok:
            probe.failures.append(outcome.final.status or outcome.final.error)


def _settled_agent_queries(context: Context) -> tuple[int, list[str]]:
    """The Agent queries once their count stops moving: a query still sleeping in the
    sandbox's latency is logged when it ends."""
    last, steady = context.sandbox.agent_queries(), 0
    deadline = time.monotonic() + 60
    while steady < SETTLE_POLLS and time.monotonic() < deadline:
        time.sleep(context.knobs.latency_seconds / 2 + 0.5)
        current = context.sandbox.agent_queries()
        steady = steady + 1 if current[0] == last[0] else 0
        last = current
    return last


def _latency_faults_left(context: Context) -> int:
    """Slow answers not used up: shows the re-query really crawled during the flood."""
    pending = context.sandbox.call("GET", "/_sandbox/faults")["faults"]
    return sum(fault["times"] for fault in pending if fault["kind"] == "latency")


def _ok(status) -> bool:
    return status is not None and 200 <= status < 300


def _explain(ipn_answers, login: _Probe, pushes: _Probe, asked: list, named: list) -> None:
    """Which documents the Agent was asked about, so that a count over the target says
    whether the IPNs' documents were asked twice or something else asked meanwhile."""
    counts = Counter(number for number, _ in asked)
    others = sum(n for number, n in counts.items() if number not in named)
    figures.note(
        "  Agent queries in the window: %d for the %d named documents, %d for others"
        % (len(asked) - others, len(named), others)
    )
    # Two answers for one document less than the latency apart came from two workers
    # asking at the same time: one worker asks one document after the other.
    for number in (number for number, n in counts.items() if n > 1):
        times = [time[11:22] for asked_number, time in asked if asked_number == number]
        figures.note("  %s asked %d times, answered at %s UTC" % (number, len(times), times))
    bad_ipns = [answer.status or answer.error for answer in ipn_answers if not _ok(answer.status)]
    for what, failures in (("IPN", bad_ipns), ("login", login.failures), ("push", pushes.failures)):
        if failures:
            figures.note(
                "  %s answers other than 2xx: %s" % (what, sorted(set(map(str, failures))))
            )
