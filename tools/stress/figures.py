"""Figures: one line each, ``name: value (target)``; information-only ones never fail."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    value: float
    target: str
    ok: bool | None  # None: information, no target

    def line(self) -> str:
        value = self.value
        shown = ("%d" % value) if float(value).is_integer() else ("%.1f" % value)
        status = "" if self.ok is None else ("" if self.ok else "  FAIL")
        return "%s: %s (%s)%s" % (self.name, shown, self.target, status)


def equal(name: str, value, expected) -> Figure:
    return Figure(name, value, "= %s" % expected, value == expected)


def at_most(name: str, value, limit, what: str = "") -> Figure:
    return Figure(name, value, "<= %s%s" % (limit, what), value <= limit)


def below(name: str, value, limit) -> Figure:
    return Figure(name, value, "< %s" % limit, value < limit)


def info(name: str, value) -> Figure:
    return Figure(name, value, "info", None)


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile; infinity without samples (nothing answered)."""
    if not samples:
        return math.inf
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def note(text: str) -> None:
    """Progress and details go to stderr; stdout carries the figures only."""
    print(text, file=sys.stderr, flush=True)


def report(figure: Figure) -> Figure:
    print(figure.line(), flush=True)
    return figure
