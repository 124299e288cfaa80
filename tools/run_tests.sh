#!/usr/bin/env bash
# `make test`: the Odoo test suites of our addons on a throw-away database, then the pytest
# suites outside Odoo; one summary line at the end, non-zero exit on any failure.
# tools/bootstrap.sh first provides the Python (PYTHON, else .venv with Odoo from ODOO_SRC)
# and PostgreSQL (the usual server, else a private cluster it stops at the end).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 2
# shellcheck source=tools/bootstrap.sh
. tools/bootstrap.sh

trap release_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
use_python
require_odoo
# shellcheck source=tools/chromium.sh
. tools/chromium.sh && require_chromium
use_postgres
if [ "${SZAMLAZZ_SKIP_PIP:-0}" != 1 ]; then
    "$SZAMLAZZ_PYTHON" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        -r requirements.txt -r requirements-dev.txt || die "pip could not install requirements*.txt"
fi

SZAMLAZZ_XSD_DIR=$(default_xsd_dir "$repo")
export SZAMLAZZ_XSD_DIR
[ -d "$SZAMLAZZ_XSD_DIR" ] || die "The official Számlázz.hu XSDs are not in $SZAMLAZZ_XSD_DIR.
Download them from szamlazz.hu (see README.md, Configuration) and set SZAMLAZZ_XSD_DIR."

# The queue_job bridge is tested wherever OCA's queue_job is installed (requirements-dev.txt
# installs it); queue_job itself is installed, not tested.
default_modules=innonest_szamlazz,innonest_szamlazz_sale
if "$SZAMLAZZ_PYTHON" -c 'import importlib.util as u; assert u.find_spec("odoo.addons.queue_job")' 2>/dev/null; then
    default_modules=$default_modules,innonest_szamlazz_queue
fi
modules=${SZAMLAZZ_TEST_MODULES:-$default_modules}
install=$modules
case ",$modules," in *,innonest_szamlazz_queue,*) install=queue_job,$modules ;; esac
db="szamlazz_test_$$"
work=$(mktemp -d)
cleanup() {
    odoo_python -c 'import sys, psycopg2
c = psycopg2.connect(dbname="postgres"); c.autocommit = True
c.cursor().execute("DROP DATABASE IF EXISTS %s" % sys.argv[1])' "$db" 2>/dev/null
    rm -rf "$work"
    release_postgres
}
trap cleanup EXIT

odoo_log="$work/odoo.log"
# shellcheck disable=SC2086  # one tag per module
tags=$(printf '/%s,' ${modules//,/ } | sed 's/,$//')
echo "== Odoo tests: $modules on database $db"
# A hung test must fail the run long before CI's own limit.
PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}" timeout "${SZAMLAZZ_TEST_TIMEOUT:-1800}" "$SZAMLAZZ_PYTHON" -m odoo \
    --database "$db" --addons-path "$(addons_path "$repo")" --data-dir "$work/data" \
    --init "$install" --without-demo all \
    --test-enable --test-tags "$tags" \
    --http-interface 127.0.0.1 --http-port "$(free_port)" --workers 0 --max-cron-threads 0 \
    --log-level test --stop-after-init >"$odoo_log" 2>&1
odoo_rc=$?
grep -E ' (ERROR|CRITICAL) |^(FAIL|ERROR):|Traceback|post-tests in| tests when loading' "$odoo_log" \
    | grep -v '^\s*$' | tail -n 200
report=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading' "$odoo_log" | tail -n 1)
read -r odoo_failed odoo_errors odoo_total < <(
    printf '%s\n' "$report" | sed -E 's/^([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')
odoo_failed=$(( ${odoo_failed:-0} + ${odoo_errors:-0} ))
odoo_total=${odoo_total:-0}
if [ "$odoo_rc" -ne 0 ] || [ -z "$report" ] || [ "$odoo_total" -eq 0 ]; then
    echo "Odoo exited with $odoo_rc after '${report:-no test report}'; the full log's tail:"
    tail -n 60 "$odoo_log"
    [ "$odoo_failed" -gt 0 ] || odoo_failed=1
fi
odoo_passed=$(( odoo_total > odoo_failed ? odoo_total - odoo_failed : 0 ))

# Shops update the addons in place: every view must still validate against the models
# once all of them are loaded (a fresh install checks each file in load order only).
echo "== Odoo update of $modules"
if PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}" "$SZAMLAZZ_PYTHON" -m odoo \
    --database "$db" --addons-path "$(addons_path "$repo")" --data-dir "$work/data" \
    --update "$modules" --no-http --workers 0 --max-cron-threads 0 --log-level warn \
    --stop-after-init >"$work/update.log" 2>&1 && ! grep -qE ' (ERROR|CRITICAL) ' "$work/update.log"
then
    odoo_passed=$(( odoo_passed + 1 ))
else
    echo "Updating the addons failed:"
    grep -vE '^\s*$' "$work/update.log" | tail -n 40
    odoo_failed=$(( odoo_failed + 1 ))
fi

echo "== pytest: tests/"
pytest_out="$work/pytest.out"
"$SZAMLAZZ_PYTHON" -m pytest tests -q -p no:cacheprovider 2>&1 | tee "$pytest_out"
pytest_rc=${PIPESTATUS[0]}
summary=$(grep -E '^=* ?[0-9]+ (passed|failed)' "$pytest_out" | tail -n 1)
py_passed=$(printf '%s' "$summary" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)
py_failed=$(printf '%s' "$summary" | grep -oE '[0-9]+ (failed|error)' | awk '{n += $1} END {print n + 0}')
py_passed=${py_passed:-0}
py_failed=${py_failed:-0}
[ "$pytest_rc" -eq 0 ] || [ "$py_failed" -gt 0 ] || py_failed=1

passed=$(( odoo_passed + py_passed ))
failed=$(( odoo_failed + py_failed ))
echo
echo "Odoo: $odoo_passed passed, $odoo_failed failed; pytest: $py_passed passed, $py_failed failed"
echo "make test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
