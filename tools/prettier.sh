#!/usr/bin/env bash
# Prettier with @prettier/plugin-xml at the versions package-lock.json pins, installed
# into node_modules/ by `npm ci` the first time (or when the lock file changed).
# Arguments go to prettier; settings in .prettierrc.yml, exclusions in .prettierignore.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
prettier=node_modules/.bin/prettier
stamp=node_modules/.package-lock.json
if [ ! -x "$prettier" ] || [ ! -e "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    command -v npm >/dev/null 2>&1 || {
        echo "prettier needs Node.js and npm (Debian: apt-get install nodejs npm)" >&2
        exit 2
    }
    npm ci --silent --no-audit --no-fund >&2 || { echo "npm ci failed" >&2; exit 2; }
fi
exec "$prettier" "$@"
