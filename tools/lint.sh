#!/usr/bin/env bash
# `make lint`: OCA's checks without pre-commit, every step run, nothing rewritten.
#   ruff check, ruff format --check (the whole repository, settings in pyproject.toml),
#   pylint-odoo with .pylintrc-mandatory on both addons (OCA's blocking checks),
#   prettier --check on the addons' XML, README.rst and index.html up to date.
# Tools come from requirements-dev.txt (pip) and package-lock.json (npm ci), installed
# quietly first; SZAMLAZZ_SKIP_PIP=1 skips pip. Exits non-zero when a step failed and
# names it.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 2
# shellcheck source=tools/lib.sh
. tools/lib.sh

addons=(innonest_szamlazz innonest_szamlazz_sale innonest_szamlazz_queue)

if [ "${SZAMLAZZ_SKIP_PIP:-0}" != 1 ]; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        -r requirements-dev.txt || die "pip could not install requirements-dev.txt"
fi

failed=()
step() {
    local name=$1
    shift
    echo "== $name"
    if "$@"; then
        echo "-- $name: ok"
    else
        echo "-- $name: FAILED"
        failed+=("$name")
    fi
}

addon_xml() {
    # The addons' XML files, less what .prettierignore excludes (prettier skips those).
    find "${addons[@]}" -name '*.xml' -not -path '*/node_modules/*' | sort
}

step "ruff check" python3 -m ruff check .
step "ruff format --check" python3 -m ruff format --check .
step "pylint-odoo (mandatory)" python3 -m pylint --rcfile=.pylintrc-mandatory "${addons[@]}"
mapfile -t xml_files < <(addon_xml)
step "prettier --check (addons' XML)" tools/prettier.sh --check "${xml_files[@]}"
step "README.rst up to date" python3 tools/gen_addon_readme.py --check

echo
if [ "${#failed[@]}" -gt 0 ]; then
    printf 'make lint: %d step(s) failed: %s\n' "${#failed[@]}" "$(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')"
    exit 1
fi
echo "make lint: all 5 steps passed"
