# Shared by tools/run_tests.sh and tools/demo.py's shell steps: prerequisite checks.
# shellcheck shell=bash

die() { printf '\n%s\n' "$*" >&2; exit 2; }

require_odoo() {
    local version
    version=$(python3 -c 'import odoo.release as r; print(r.major_version)' 2>/dev/null) \
        || die "Odoo 18.0 is not importable by python3 (python3 -c 'import odoo' fails).
Install Odoo 18.0 from source into this Python with its requirements.txt
(see README.md, Prerequisites), then run this again."
    [ "$version" = "18.0" ] || die "python3 imports Odoo $version; this addon needs Odoo 18.0."
}

postgres_reachable() {
    python3 -c 'import psycopg2; psycopg2.connect(dbname="postgres").close()' 2>/dev/null
}

# Start an installed but stopped local cluster (Debian's postgresql-common), as a newcomer
# would by hand; anything else is left to the user.
require_postgres() {
    postgres_reachable && return 0
    if command -v pg_lsclusters >/dev/null 2>&1; then
        pg_lsclusters --no-header | while read -r version name _port status _; do
            [ "$status" = online ] || pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start
        done
        for _ in 1 2 3 4 5 6 7 8 9 10; do postgres_reachable && return 0; sleep 1; done
    fi
    die "PostgreSQL is not reachable as $(id -un) (libpq defaults; PGHOST, PGPORT, PGUSER apply).
Start it, or point PGHOST/PGPORT/PGUSER at a server where this role may create databases."
}

# Odoo's own addons folders (source checkout or installed package) plus this repository.
addons_path() {
    python3 - "$1" <<'PY'
import os, sys
import odoo
core = os.path.dirname(odoo.__file__)
paths = [os.path.join(core, "addons")]
source_addons = os.path.join(os.path.dirname(core), "addons")
if os.path.isdir(source_addons):
    paths.append(source_addons)
paths.append(sys.argv[1])
print(",".join(paths))
PY
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

default_xsd_dir() {
    printf '%s\n' "${SZAMLAZZ_XSD_DIR:-$(cd "$1/.." && pwd)/shared/szamlazz-xsd}"
}
