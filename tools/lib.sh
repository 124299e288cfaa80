# Shared by tools/run_tests.sh, tools/bootstrap.sh and tools/demo.py's shell steps:
# prerequisite checks.
# shellcheck shell=bash

die() { printf '\n%s\n' "$*" >&2; exit 2; }

# The Python that runs Odoo: the one tools/bootstrap.sh chose (exported as SZAMLAZZ_PYTHON:
# $PYTHON when it has Odoo 18.0, else .venv's), or python3 when nothing chose one.
odoo_python() { "${SZAMLAZZ_PYTHON:-python3}" "$@"; }

require_odoo() {
    local version python=${SZAMLAZZ_PYTHON:-python3}
    version=$(odoo_python -c 'import odoo.release as r; print(r.major_version)' 2>/dev/null) \
        || die "Odoo 18.0 is not importable by $python: $(odoo_python -c 'import odoo' 2>&1 | tail -n 1)
\`make test\` and \`make demo\` install Odoo 18.0 into .venv by themselves when the Python
they start from (PYTHON, default python3) has no Odoo; an Odoo found there must come with
all of its requirements.txt (see README.md, Prerequisites). Fix that, then run this again."
    [ "$version" = "18.0" ] || die "$python imports Odoo $version; this addon needs Odoo 18.0."
}

# A server libpq's defaults reach (PGHOST, PGPORT, PGUSER apply) where this role may create
# databases.
postgres_reachable() {
    odoo_python - 2>/dev/null <<'PY'
import psycopg2
connection = psycopg2.connect(dbname="postgres")
cursor = connection.cursor()
cursor.execute("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
raise SystemExit(0 if cursor.fetchone()[0] else 1)
PY
}

# Start installed but stopped local clusters (Debian's postgresql-common), as a newcomer
# would by hand; true when a server is reachable afterwards.
start_debian_clusters() {
    local started
    command -v pg_lsclusters >/dev/null 2>&1 || return 1
    started=$(pg_lsclusters --no-header | while read -r version name _port status _; do
        [ "$status" = online ] \
            || { pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start >&2 && echo "$name"; }
    done)
    [ -n "$started" ] || return 1
    for _ in 1 2 3 4 5 6 7 8 9 10; do postgres_reachable && return 0; sleep 1; done
    return 1
}

require_postgres() {
    postgres_reachable && return 0
    start_debian_clusters && return 0
    die "PostgreSQL is not reachable as ${PGUSER:-$(id -un)}, or this role may not create databases
(libpq defaults; PGHOST, PGPORT, PGUSER apply). Run this through \`make test\` or \`make demo\`,
which run a private cluster in var/pgdata when no server is usable, or start a server, or
point PGHOST/PGPORT/PGUSER at one where this role may create databases."
}

# Odoo's own addons folders (source checkout or installed package) plus this repository.
addons_path() {
    odoo_python - "$1" <<'PY'
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
    odoo_python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

default_xsd_dir() {
    printf '%s\n' "${SZAMLAZZ_XSD_DIR:-$(cd "$1/.." && pwd)/shared/szamlazz-xsd}"
}
