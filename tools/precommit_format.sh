#!/usr/bin/env bash
# pre-commit's formatters and fixers (see .pre-commit-config.yaml): they fix the files
# locally, as OCA's hooks do, and only check them when CI is set (CI=true in .ci/run and
# on CI services), so that a CI run fails instead of rewriting its clone.
#   tools/precommit_format.sh ruff|ruff-format|prettier FILE...
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tool=${1:?usage: $0 ruff|ruff-format|prettier FILE...}
shift
case "${CI:-}" in
    "" | 0 | false | False | no) check=0 ;;
    *) check=1 ;;
esac
case "$tool" in
    ruff)
        if [ "$check" = 1 ]; then
            exec python3 -m ruff check --force-exclude "$@"
        fi
        exec python3 -m ruff check --force-exclude --fix --exit-non-zero-on-fix "$@"
        ;;
    ruff-format)
        if [ "$check" = 1 ]; then
            exec python3 -m ruff format --force-exclude --check "$@"
        fi
        exec python3 -m ruff format --force-exclude "$@"
        ;;
    prettier)
        if [ "$check" = 1 ]; then
            exec "$repo/tools/prettier.sh" --check "$@"
        fi
        exec "$repo/tools/prettier.sh" --write --list-different "$@"
        ;;
    *)
        echo "unknown tool: $tool" >&2
        exit 2
        ;;
esac
