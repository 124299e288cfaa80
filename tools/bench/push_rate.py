"""Documents per second the push endpoint stores, from 1 and from 4 senders.

Run by ``tools/run_bench.py`` against a ``--workers 2`` Odoo server without a cron worker
(each push starts the import; none runs it meanwhile): each sender posts distinct webshop
invoices (five lines and a PDF, as Számlázz.hu pushes them) to ``/szamlazz/push`` as fast
as it is answered.
"""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests


def push_rate(url, key, documents, senders):
    """``(documents/s, p50 ms, failures)`` for ``documents`` (bodies) over ``senders``."""
    session_of = {}

    def send(body):
        session = session_of.setdefault(threading.get_ident(), requests.Session())
        start = time.perf_counter()
        answer = session.post(
            url,
            data=body,
            headers={"X-Szamlazzhu-Key": key, "Content-Type": "application/xml"},
            timeout=60,
        )
        return answer.status_code, time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(senders) as pool:
        results = list(pool.map(send, documents))
    elapsed = time.perf_counter() - start
    failures = sum(1 for status, _seconds in results if status != 200)
    p50 = statistics.median(seconds for _status, seconds in results) * 1000
    return len(documents) / elapsed, p50, failures
