"""Start Odoo as its ``odoo-bin`` does, for `make stress`.

The prefork master starts its websocket (gevent) worker by running its own ``sys.argv[0]``
again with ``gevent``; ``python -m odoo`` cannot be run that way, this script can. Where
gevent cannot start (``SZAMLAZZ_STRESS_GEVENT_STANDIN=1``, set by the suite after a check),
the gevent worker is replaced by a process that only waits: the suite uses no websocket,
and a worker that fails is respawned every second, costing the CPU the figures measure.
"""

import os
import signal
import sys

os.environ["TZ"] = "UTC"  # as odoo-bin: before anything imports time
# This folder holds the suite's own modules: none of them may shadow one Odoo imports.
sys.path.pop(0)

if __name__ == "__main__":
    if sys.argv[1:2] == ["gevent"] and os.environ.get("SZAMLAZZ_STRESS_GEVENT_STANDIN") == "1":
        signal.pause()  # the master SIGKILLs it on stop, the suite kills the process group
    else:
        import odoo

        odoo.cli.main()
