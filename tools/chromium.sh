# What the tours (tests/test_tours.py of both addons) need: a Chrome or Chromium Odoo finds
# and the websocket-client module Odoo drives it with. Without either, Odoo SKIPS every tour
# and still reports success: `make test` installs them here or stops, and exports
# SZAMLAZZ_REQUIRE_BROWSER=1 so that a tour Odoo would skip anyway fails instead.
# tools/run_tests.sh sources it and calls require_chromium after require_odoo.
# shellcheck shell=bash

# The executable names Odoo 18 looks for on PATH (odoo/tests/common.py, _find_executable).
szamlazz_browser_names=(google-chrome chromium chromium-browser google-chrome-stable)

szamlazz_find_browser() {
    local name
    for name in "${szamlazz_browser_names[@]}"; do
        command -v "$name" 2>/dev/null && return 0
    done
    return 1
}

szamlazz_install_chromium() {
    if [ "${SZAMLAZZ_NO_APT:-0}" = 1 ] || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1
    then
        return 1
    fi
    echo "== Installing Debian's chromium for the tours (apt-get install chromium)"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
        >/dev/null 2>&1
}

require_chromium() {
    local python=${SZAMLAZZ_PYTHON:-python3} browser
    browser=$(szamlazz_find_browser) || {
        szamlazz_install_chromium && browser=$(szamlazz_find_browser)
    } || die "No Chrome or Chromium found: the tours (tests/test_tours.py) run in one, and Odoo
silently skips them without it. Install Debian's chromium as root:
    apt-get update && apt-get install chromium
(or Google Chrome; Odoo looks for ${szamlazz_browser_names[*]} on PATH), then run this again."
    "$browser" --headless --disable-gpu --no-sandbox --version >/dev/null 2>&1 \
        || die "$browser is on PATH but does not start (try: $browser --headless --version)."
    if ! "$python" -c 'import websocket' 2>/dev/null; then
        [ "${SZAMLAZZ_SKIP_PIP:-0}" != 1 ] \
            && "$python" -m pip install --quiet --disable-pip-version-check \
                --root-user-action=ignore "websocket-client>=1.0" \
            || die "Odoo drives Chromium through the Python module websocket-client, which
$python cannot import, and Odoo silently skips the tours without it:
    $python -m pip install websocket-client"
    fi
    SZAMLAZZ_REQUIRE_BROWSER=1
    export SZAMLAZZ_REQUIRE_BROWSER
}
