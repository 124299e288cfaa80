"""Injected misbehaviour for the next N agent requests (`/_sandbox/faults`)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = ("latency", "http_error", "maintenance", "drop_reply", "malformed", "agent_error")


@dataclass
class Fault:
    kind: str
    times: int = 1
    seconds: float = 1.0  # latency
    status: int = 500  # http_error
    code: int = 1  # agent_error: the Számla Agent error code to answer


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.kind not in KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; expected one of {KINDS}")
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._queue.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def take(self) -> Fault | None:
        """The fault for this request (oldest first), consuming one of its `times`."""
        with self._lock:
            if not self._queue:
                return None
            fault = self._queue[0]
            fault.times -= 1
            if fault.times == 0:
                self._queue.pop(0)
            return fault

    def pending(self) -> list[dict]:
        with self._lock:
            return [vars(f).copy() for f in self._queue]
