#!/usr/bin/env bash
# What `make test` and `make demo` need, on a machine with only Python 3.10+ and PostgreSQL
# (a server, or just its binaries):
#   - Python: $PYTHON (python3) as it is when it has Odoo 18.0; else the virtual environment
#     $SZAMLAZZ_VENV (.venv), made once, with Odoo 18.0 installed from $ODOO_SRC (a source
#     folder, an archive or a git URL; default: odoo/odoo's 18.0 branch, cloned to
#     var/odoo-src) and this repository's requirements*.txt;
#   - PostgreSQL: the server libpq's defaults reach; else a stopped Debian cluster, started;
#     else a private cluster in $SZAMLAZZ_PGDATA (var/pgdata) on a Unix socket only, running
#     while some command needs it and stopped by the last one to end.
# tools/run_tests.sh sources it (use_python, use_postgres, release_postgres). Run as
#   tools/bootstrap.sh [--no-postgres] ARGUMENT...
# it runs `python ARGUMENT...` with that Python and that PostgreSQL (make demo, stress, bench).
# shellcheck shell=bash

szamlazz_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/lib.sh
. "$szamlazz_repo/tools/lib.sh"

szamlazz_odoo_git=https://github.com/odoo/odoo

# Odoo's series that the Python $1 would import, read from odoo/release.py without importing
# Odoo (which takes a second or more); fails when it has no Odoo.
odoo_series_of() {
    "$1" - 2>/dev/null <<'PY'
import importlib.util, os
spec = importlib.util.find_spec("odoo")
for folder in (spec.submodule_search_locations or []) if spec else []:
    release = os.path.join(folder, "release.py")
    if os.path.isfile(release):
        names = {}
        with open(release, "rb") as source:
            exec(compile(source.read(), release, "exec"), names)
        print(names["major_version"])
        raise SystemExit(0)
raise SystemExit(1)
PY
}

# "3.11" for the Python $1, when it is one Odoo 18.0 runs on (3.10 to 3.12).
odoo_ready_python_version() {
    "$1" -c 'import sys
if (3, 10) <= sys.version_info[:2] <= (3, 12): print("%d.%d" % sys.version_info[:2])
else: raise SystemExit(1)' 2>/dev/null
}

# Sets SZAMLAZZ_PYTHON (exported) to the Python that runs Odoo; for .venv, puts its bin/ first
# on PATH as `activate` would, so that python3 is that one for every child too.
use_python() {
    local base=${PYTHON:-python3} venv=${SZAMLAZZ_VENV:-$szamlazz_repo/.venv}
    case $venv in /*) ;; *) venv=$szamlazz_repo/$venv ;; esac
    if [ "$(odoo_series_of "$base")" = 18.0 ]; then
        SZAMLAZZ_PYTHON=$base
        export SZAMLAZZ_PYTHON
        return 0
    fi
    if ! venv_ready "$venv"; then
        install_venv "$base" "$venv"
    fi
    SZAMLAZZ_PYTHON=$venv/bin/python3
    VIRTUAL_ENV=$venv
    PATH=$venv/bin:$PATH
    export SZAMLAZZ_PYTHON VIRTUAL_ENV PATH
}

# .venv finished its installation (of $ODOO_SRC, when that is set) and has Odoo 18.0.
venv_ready() {
    local installed
    installed=$(cat "$1/.szamlazz-odoo-source" 2>/dev/null) || return 1
    [ -z "${ODOO_SRC:-}" ] || [ "$installed" = "$ODOO_SRC" ] || return 1
    [ "$(odoo_series_of "$1/bin/python3")" = 18.0 ]
}

install_venv() {
    local base=$1 venv=$2 python version source log output
    echo "== $base has no Odoo 18.0: installing Odoo 18.0 and this repository's requirements"
    if ! odoo_ready_python_version "$base" >/dev/null; then
        # python3 may be too new for Odoo 18.0 (Debian 13's is 3.13): take a versioned one.
        for python in python3.12 python3.11 python3.10; do
            odoo_ready_python_version "$python" >/dev/null && { base=$python; break; }
        done
    fi
    version=$(odoo_ready_python_version "$base") \
        || die "Odoo 18.0 needs Python 3.10, 3.11 or 3.12, and $base is $("$base" -V 2>&1 || echo "not found")
(no python3.12, python3.11 or python3.10 on PATH either). Install one, or set PYTHON to one,
then run this again."
    log=$venv/install.log
    echo "   into $venv with Python $version (once, a few minutes; pip's log: $log)"
    python=$venv/bin/python3
    # A venv made without ensurepip (Debian without python3-venv) has no pip: make it anew.
    if ! "$python" -m pip --version >/dev/null 2>&1; then
        [ ! -e "$venv" ] || [ -f "$venv/pyvenv.cfg" ] || [ -z "$(ls -A "$venv")" ] \
            || die "$venv exists and is not a virtual environment: set SZAMLAZZ_VENV to another folder."
        output=$("$base" -m venv --clear "$venv" 2>&1) \
            || die "Python $version could not create a virtual environment in $venv:
$(printf '%s\n' "$output" | grep -vE '^\s*$' | tail -n 4)
On Debian/Ubuntu: apt-get install python3-venv (or python$version-venv), then run this again."
    fi
    : >"$log"
    source=$(odoo_source "$base") || exit 2
    echo "   Odoo 18.0's source: $source"
    # Odoo 18.0's cbor2==5.4.2 (for Python < 3.12) does not build on 3.11; 5.6.2 does.
    if [ "$version" = 3.10 ]; then
        cp "$source/requirements.txt" "$venv/odoo-requirements.txt"
    else
        { grep -vE '^[[:space:]]*cbor2([^A-Za-z0-9_.-]|$)' "$source/requirements.txt"
          echo "cbor2==5.6.2"; } >"$venv/odoo-requirements.txt"
    fi
    venv_pip "$python" "pip and setuptools<80 (Odoo still uses pkg_resources)" \
        "pip>=22.1" "setuptools<80"
    venv_pip "$python" "Odoo 18.0's requirements.txt (psycopg2, python-ldap, ...)" \
        -r "$venv/odoo-requirements.txt"
    # editable_mode=compat: the source folder goes on sys.path (newer pips would install an
    # import hook that a site-packages/odoo/addons of odoo-addon-* wheels hides), built with
    # the setuptools<80 just installed.
    venv_pip "$python" "Odoo 18.0 itself (pip install -e $source --no-deps)" \
        -e "$source" --no-deps --no-build-isolation --config-settings editable_mode=compat
    venv_pip "$python" "this repository's requirements.txt and requirements-dev.txt" \
        -r "$szamlazz_repo/requirements.txt" -r "$szamlazz_repo/requirements-dev.txt"
    [ "$(odoo_series_of "$python")" = 18.0 ] \
        || die "pip installed Odoo from $source into $venv, but $python finds no Odoo 18.0 there."
    printf '%s\n' "${ODOO_SRC:-$szamlazz_odoo_git}" >"$venv/.szamlazz-odoo-source"
    echo "== $venv is ready"
}

# pip install, its output in the log; on failure, its end and what to install.
venv_pip() {
    local python=$1 what=$2 step=$log.step status errors needs=""
    shift 2
    echo "   pip: $what"
    printf '\n$ pip install %s\n' "$*" >>"$log"
    "$python" -m pip install --disable-pip-version-check "$@" >"$step" 2>&1
    status=$?
    cat "$step" >>"$log"
    errors=$(grep -iE 'error|failed|not found' "$step")
    rm -f "$step"
    [ "$status" != 0 ] || return 0
    grep -qiE 'psycopg2|pg_config|libpq-fe' <<<"$errors" && needs+=" libpq-dev (psycopg2)"
    grep -qiE 'ldap|lber|sasl' <<<"$errors" && needs+=" libldap2-dev libsasl2-dev (python-ldap)"
    grep -qE 'Python\.h' <<<"$errors" && needs+=" python3-dev (Python's headers)"
    grep -qiE "(gcc|cc)'? failed|(gcc|cc)'?: (No such file|not found)|unable to execute '?[^ ]*cc" \
        <<<"$errors" && needs+=" build-essential (a C compiler)"
    echo "---- the end of $log:" >&2
    grep -vE '^\s*$' "$log" | tail -n 25 >&2
    if [ -z "$needs" ] && ! grep -qiE 'wheel|build' <<<"$errors"; then
        die "pip failed on $what (the end of its log is above): when the package index is out
of reach, run this again once it is back; the virtual environment is reused."
    fi
    die "pip failed on $what.
${needs:+What failed to build needs:$needs.
}Some of Odoo's requirements are built from source: psycopg2 needs libpq's headers,
python-ldap OpenLDAP's and SASL's, both a C compiler and Python's headers. On Debian/Ubuntu:
  apt-get install build-essential python3-dev libpq-dev libldap2-dev libsasl2-dev
then run this again (the virtual environment is reused)."
}

# Prints the folder of Odoo 18.0's source named by ODOO_SRC: that folder itself, or
# var/odoo-src, unpacked from an archive or shallow-cloned from a git URL (once; again when
# ODOO_SRC changes). $1: a Python to unpack and to download with.
odoo_source() {
    local base=$1 spec=${ODOO_SRC:-$szamlazz_odoo_git} branch=${ODOO_BRANCH:-18.0}
    local dest=$szamlazz_repo/var/odoo-src archive="" found
    if [ -d "$spec" ]; then
        found=$(cd "$spec" && pwd)
        check_odoo_source "$base" "$found"
        printf '%s\n' "$found"
        return 0
    fi
    if [ "$(cat "$dest.origin" 2>/dev/null)" = "$spec $branch" ] && [ -f "$dest/setup.py" ]; then
        printf '%s\n' "$dest"
        return 0
    fi
    rm -rf "$dest.part"
    case $spec in
        *.tar.gz | *.tgz | *.tar.bz2 | *.tbz2 | *.tar.xz | *.txz | *.tar | *.zip)
            if [ -f "$spec" ]; then
                archive=$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")
            elif [[ $spec == http://* || $spec == https://* ]]; then
                archive=$dest.part/$(basename "$spec")
                mkdir -p "$dest.part" || die "Cannot create $dest.part."
                echo "   downloading $spec" >&2
                "$base" -c 'import shutil, sys, urllib.request
with urllib.request.urlopen(sys.argv[1]) as answer, open(sys.argv[2], "wb") as out:
    shutil.copyfileobj(answer, out)' "$spec" "$archive" \
                    || { rm -rf "$dest.part"; die "Could not download ODOO_SRC=$spec."; }
            else
                die "ODOO_SRC=$spec: no such archive."
            fi
            echo "   unpacking $archive" >&2
            "$base" -c 'import shutil, sys
try:
    shutil.unpack_archive(sys.argv[1], sys.argv[2], filter="data")
except TypeError:  # a Python without extraction filters
    shutil.unpack_archive(sys.argv[1], sys.argv[2])' "$archive" "$dest.part/tree" \
                || { rm -rf "$dest.part"; die "Could not unpack ODOO_SRC=$spec."; }
            ;;
        *://* | *@*:*)
            command -v git >/dev/null 2>&1 \
                || die "git is needed to clone ODOO_SRC=$spec: install git, or set ODOO_SRC to an
Odoo 18.0 source folder or archive (.tar.gz, .zip)."
            echo "   cloning $spec, branch $branch (shallow)" >&2
            git clone --quiet --depth 1 --single-branch --branch "$branch" "$spec" "$dest.part/tree" >&2 \
                || { rm -rf "$dest.part"; die "git could not clone branch $branch of $spec.
Set ODOO_SRC to an Odoo 18.0 source folder, an archive of one (.tar.gz, .zip) or a git URL
this machine reaches (ODOO_BRANCH names the branch), then run this again."; }
            ;;
        *)
            die "ODOO_SRC=$spec is neither a folder, nor an archive (.tar.gz, .zip), nor a git URL."
            ;;
    esac
    # An archive may hold the tree in one top folder (odoo-18.0/...).
    found=$dest.part/tree
    if [ ! -f "$found/setup.py" ]; then
        found=$(find "$dest.part/tree" -mindepth 2 -maxdepth 2 -name setup.py -printf '%h\n' | head -n 1)
    fi
    [ -n "$found" ] || { rm -rf "$dest.part"; die "ODOO_SRC=$spec holds no Odoo source (no setup.py in it)."; }
    ( check_odoo_source "$base" "$found" ) || { rm -rf "$dest.part"; exit 2; }
    rm -rf "$dest" "$dest.origin"
    mv "$found" "$dest" || die "Cannot move the source to $dest."
    rm -rf "$dest.part"
    printf '%s %s\n' "$spec" "$branch" >"$dest.origin"
    printf '%s\n' "$dest"
}

check_odoo_source() {
    local series
    [ -f "$2/setup.py" ] && [ -f "$2/requirements.txt" ] && [ -f "$2/odoo/release.py" ] \
        || die "ODOO_SRC: $2 is not an Odoo source folder (setup.py, requirements.txt, odoo/release.py)."
    series=$("$1" -c 'import sys
names = {}
exec(open(sys.argv[1], "rb").read(), names)
print(names["major_version"])' "$2/odoo/release.py" 2>/dev/null)
    [ "$series" = 18.0 ] || die "ODOO_SRC: $2 holds Odoo ${series:-of an unknown version}; this addon needs 18.0."
}

# Makes libpq's defaults reach a PostgreSQL where this role may create databases.
use_postgres() {
    local mode=${SZAMLAZZ_PRIVATE_PG:-auto}
    case $mode in
        auto | always | never) ;;
        *) die "SZAMLAZZ_PRIVATE_PG=$mode: use auto, always or never." ;;
    esac
    if [ "$mode" != always ]; then
        postgres_reachable && return 0
        start_debian_clusters && return 0
        [ "$mode" = never ] && die "PostgreSQL is not usable as ${PGUSER:-$(id -un)} (libpq defaults; PGHOST, PGPORT,
PGUSER apply), and SZAMLAZZ_PRIVATE_PG=never: start a server, or point PGHOST/PGPORT/PGUSER
at one where this role may create databases."
    fi
    start_private_postgres
}

# Runs "$@" as the OS user that owns the private cluster (PostgreSQL refuses to run as root).
as_pg_owner() {
    local runuser
    if [ "$(id -u)" != 0 ]; then
        "$@"
        return
    fi
    runuser=$(PATH=$PATH:/usr/sbin:/sbin command -v runuser)
    if [ -n "$runuser" ]; then
        "$runuser" -u "$szamlazz_pg_owner" -- "$@"
    else
        # shellcheck disable=SC2016  # $0 and $@ are the inner shell's
        su -s /bin/sh -c 'exec "$0" "$@"' -- "$szamlazz_pg_owner" "$@"
    fi
}

# The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/*/bin or RHEL's
# /usr/pgsql-*/bin, newest first; of major version $1 when given.
postgres_bindir() {
    local want=$1 folder major candidates=()
    command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1 \
        && candidates+=("$(dirname "$(command -v pg_ctl)")")
    while read -r folder; do
        candidates+=("$folder")
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin /usr/pgsql-*/bin | grep -v '\*' | sort -V -r)
    for folder in "${candidates[@]}"; do
        [ -x "$folder/pg_ctl" ] && [ -x "$folder/initdb" ] || continue
        major=$("$folder/pg_ctl" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
        if [ -z "$want" ] || [ "$major" = "$want" ]; then
            printf '%s\n' "$folder"
            return 0
        fi
    done
    return 1
}

# The private cluster: initdb'd once with trust for this role (only its owner and root reach
# its socket folder), started unless running, on a Unix socket only. Every command using it
# holds a shared lock on $pgdata.lock; release_postgres stops it when no other one does.
start_private_postgres() {
    local pgdata=${SZAMLAZZ_PGDATA:-$szamlazz_repo/var/pgdata} role=${PGUSER:-$(id -un)}
    local want="" bindir sockdir port=5432 init log
    case $pgdata in /*) ;; *) pgdata=$szamlazz_repo/$pgdata ;; esac
    szamlazz_pg_owner=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        szamlazz_pg_owner=${SZAMLAZZ_PG_OWNER:-$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)}
    fi
    mkdir -p "$(dirname "$pgdata")" || die "Cannot create $(dirname "$pgdata"): set SZAMLAZZ_PGDATA."
    if [ "$(id -u)" = 0 ] && [ -z "${SZAMLAZZ_PGDATA:-}" ] \
        && ! as_pg_owner test -x "$(dirname "$pgdata")" 2>/dev/null; then
        # The repository lies where the cluster's owner may not go (under /root, say).
        pgdata=/var/tmp/szamlazz-pgdata-$(printf '%s' "$szamlazz_repo" | cksum | cut -d' ' -f1)
        echo "== PostgreSQL: $szamlazz_pg_owner cannot reach $szamlazz_repo/var: the private cluster is $pgdata"
    fi
    [ -f "$pgdata/PG_VERSION" ] && want=$(cat "$pgdata/PG_VERSION")
    if ! bindir=$(postgres_bindir "$want"); then
        [ -n "$want" ] && die "$pgdata is a PostgreSQL $want cluster and PostgreSQL $want's binaries are
not here: remove $pgdata (a throw-away cluster) and run this again."
        die "No PostgreSQL server is usable as $role (libpq defaults; PGHOST, PGPORT, PGUSER apply),
and no PostgreSQL binaries (initdb, pg_ctl) are on PATH or in /usr/lib/postgresql/*/bin to run
a private one. Install PostgreSQL (Debian/Ubuntu: apt-get install postgresql), or point
PGHOST/PGPORT/PGUSER at a server where $role may create databases."
    fi
    szamlazz_pg_bindir=$bindir
    exec {szamlazz_pg_lock}>>"$pgdata.lock" || die "Cannot open $pgdata.lock."
    szamlazz_pg_flock=0
    if command -v flock >/dev/null 2>&1; then
        flock -s "$szamlazz_pg_lock" && szamlazz_pg_flock=1
    fi
    szamlazz_pg_started=0
    szamlazz_pgdata=$pgdata  # from here on, release_postgres has something to release
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        init=$pgdata.init
        log=$pgdata.initdb.log
        rm -rf "$init"
        mkdir -m 700 "$init" || die "Cannot create $init."
        [ "$(id -u)" != 0 ] || chown "$szamlazz_pg_owner:" "$init"
        as_pg_owner test -w "$init" \
            || die "The OS user $szamlazz_pg_owner, who runs the private PostgreSQL cluster (root may not),
cannot reach $init: one of its parent folders is closed to it. Set SZAMLAZZ_PGDATA to a
folder it can reach (or SZAMLAZZ_PG_OWNER to another user), then run this again."
        echo "== PostgreSQL: creating a private cluster in $pgdata for the role $role"
        as_pg_owner "$bindir/initdb" -D "$init" -U "$role" --auth=trust -E UTF8 --locale=C >"$log" 2>&1 \
            || { tail -n 15 "$log" >&2; die "initdb failed (log: $log)."; }
        rm -f "$log"
        mv "$init" "$pgdata" || die "Cannot move $init to $pgdata."
    fi
    if ! as_pg_owner "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
        # The socket goes into the cluster's own folder (0700: its owner and root only), unless
        # that path is too long for a socket.
        sockdir=$pgdata
        if [ "${#sockdir}" -gt 80 ]; then
            sockdir=${TMPDIR:-/tmp}/szamlazz-pg-$(printf '%s' "$pgdata" | cksum | cut -d' ' -f1)
            mkdir -p "$sockdir" || die "Cannot create $sockdir."
            chmod 700 "$sockdir"
            [ "$(id -u)" != 0 ] || chown "$szamlazz_pg_owner:" "$sockdir"
        fi
        echo "== PostgreSQL: starting the private cluster in $pgdata (stopped when this ends)"
        # pg_ctl puts the server in a session of its own: Ctrl-C in the terminal does not reach it.
        # A throw-away cluster: no fsync.
        if as_pg_owner "$bindir/pg_ctl" start -D "$pgdata" -l "$pgdata/server.log" -w -t 60 -o \
            "-p $port -c listen_addresses='' -c unix_socket_directories='$sockdir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            >/dev/null 2>&1 {szamlazz_pg_lock}>&-; then
            szamlazz_pg_started=1
        elif ! as_pg_owner "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
            tail -n 15 "$pgdata/server.log" >&2
            die "The private PostgreSQL cluster in $pgdata did not start (log: $pgdata/server.log)."
        fi
    fi
    # Where it listens, from its postmaster.pid: port on line 4, socket folder on line 5.
    PGPORT=$(sed -n 4p "$pgdata/postmaster.pid")
    PGHOST=$(sed -n 5p "$pgdata/postmaster.pid")
    export PGHOST PGPORT
    unset PGHOSTADDR PGSERVICE
    postgres_reachable || die "The private PostgreSQL cluster in $pgdata runs, but $role cannot create
databases there (it was made for another role?): remove $pgdata and run this again."
}

# Stops the private cluster unless another command still uses it (without flock: when this
# command started it).
release_postgres() {
    local last=1
    [ -n "${szamlazz_pgdata:-}" ] || return 0
    trap '' INT
    if [ "$szamlazz_pg_flock" = 1 ]; then
        flock -n -x "$szamlazz_pg_lock" || last=0
    else
        [ "$szamlazz_pg_started" = 1 ] || last=0
    fi
    # Quietly: make test's summary stays its last line.
    if [ "$last" = 1 ] && as_pg_owner "$szamlazz_pg_bindir/pg_ctl" status -D "$szamlazz_pgdata" >/dev/null 2>&1; then
        as_pg_owner "$szamlazz_pg_bindir/pg_ctl" stop -D "$szamlazz_pgdata" -m fast -w >/dev/null 2>&1 \
            {szamlazz_pg_lock}>&- || echo "Could not stop the private PostgreSQL cluster in $szamlazz_pgdata." >&2
    elif [ "$last" = 0 ]; then
        echo "(The private PostgreSQL cluster keeps running for another command that uses it.)" >&2
    fi
    exec {szamlazz_pg_lock}>&-
    szamlazz_pgdata=""
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -uo pipefail
    cd "$szamlazz_repo" || exit 2
    with_postgres=1
    if [ "${1:-}" = --no-postgres ]; then
        with_postgres=0
        shift
    fi
    [ "$#" -gt 0 ] || die "usage: tools/bootstrap.sh [--no-postgres] PYTHON-ARGUMENT..."
    use_python
    if [ "$with_postgres" = 1 ]; then
        trap release_postgres EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        use_postgres
    fi
    # Nothing to stop afterwards: become the command, as `python3 ...` would have been.
    [ -n "${szamlazz_pgdata:-}" ] || exec "$SZAMLAZZ_PYTHON" "$@"
    "$SZAMLAZZ_PYTHON" "$@"
    exit
fi
