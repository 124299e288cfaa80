"""Client tests import the client as the top-level package `szamlazz_agent`."""

import sys
from pathlib import Path

_ADDON = str(Path(__file__).resolve().parents[2] / "innonest_szamlazz")
if _ADDON not in sys.path:
    sys.path.insert(0, _ADDON)
