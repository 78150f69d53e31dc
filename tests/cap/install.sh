#!/usr/bin/env bash
# Installs the CAP test service's npm packages (tests/cap/node_modules) from package-lock.json.
#
#   bash tests/cap/install.sh          # installs when node_modules is missing or stale
#   bash tests/cap/install.sh --force  # reinstalls from scratch
#
# "Stale" means the lock file, the Node.js version (better-sqlite3 is a native addon built for
# one Node ABI) or the platform changed since the last install; a stamp in node_modules records
# them. A finished install is also copied to a cache outside the work tree
# ($CAP_NODE_MODULES_CACHE, default ~/.cache/odata-codegen/cap-node-modules/<stamp hash>), so a
# fresh clone on the same machine (CI) restores it in a second instead of compiling SQLite
# again; CAP_NODE_MODULES_CACHE=off turns that off.
# Needs node >= 20 and npm on PATH, and the npm registry. better-sqlite3 is compiled from
# source when no prebuilt binary can be downloaded (a C++ compiler, make and python3 are then
# needed, and the Node headers: found next to node, e.g. /usr/include/node).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

die() {
  echo "tests/cap/install.sh: $*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 ||
  die "node is not on PATH. The CAP server tests need Node.js 20 or newer with npm: install them (e.g. 'apt-get install nodejs npm', or from nodejs.org) and run this again."
command -v npm >/dev/null 2>&1 ||
  die "npm is not on PATH (node is: $(command -v node)). Install npm (e.g. 'apt-get install npm') and run this again."

node_version="$(node --version)"
major="${node_version#v}"
major="${major%%.*}"
[[ "$major" =~ ^[0-9]+$ ]] && ((major >= 20)) ||
  die "Node.js $node_version is too old: @sap/cds 9 needs Node.js 20 or newer."

stamp_file=node_modules/.odata-codegen-install-stamp
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node=$node_version platform=$(uname -sm | tr ' ' '-') lock=$lock_sum"
cache_root="${CAP_NODE_MODULES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/odata-codegen/cap-node-modules}"
cache=""
if [[ "$cache_root" != "off" ]]; then
  cache="$cache_root/$(echo "$stamp" | sha256sum | cut -c1-16)"
fi

# One installer at a time (test binaries may start servers concurrently).
exec 9>"$here/.install.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

if [[ "${1:-}" != "--force" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
  exit 0
fi

check_driver() {
  node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null
}

if [[ "${1:-}" != "--force" && -n "$cache" && -f "$cache/node_modules/$(basename "$stamp_file")" ]]; then
  rm -rf node_modules node_modules.restoring
  if cp -a "$cache/node_modules" node_modules.restoring && mv node_modules.restoring node_modules && check_driver; then
    echo "tests/cap/install.sh: restored node_modules from $cache" >&2
    exit 0
  fi
  echo "tests/cap/install.sh: the cached install in $cache is unusable; installing afresh" >&2
  rm -rf node_modules node_modules.restoring "$cache"
fi

# node-gyp downloads Node's headers unless told where they are; use the ones installed with
# node when there are some and npm is not configured otherwise.
if [[ -z "${npm_config_nodedir:-}" ]]; then
  configured="$(npm config get nodedir 2>/dev/null || true)"
  if [[ -z "$configured" || "$configured" == "undefined" || "$configured" == "null" ]]; then
    prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
    if [[ -f "$prefix/include/node/node.h" ]]; then
      export npm_config_nodedir="$prefix"
    fi
  fi
fi

# node-gyp compiles on one core unless told otherwise.
export JOBS="${JOBS:-max}"
# better-sqlite3 first tries to download a prebuilt binary from outside the npm registry, which
# fails where only the registry is reachable (at once, or after a network time-out) before the
# build from source it falls back to. prebuild-install reads this variable (a name `export`
# cannot set); CAP_TRY_PREBUILT=1 lets it try the download.
skip_prebuilt=(env "prebuild-install_buildFromSource=true")
if [[ "${CAP_TRY_PREBUILT:-}" == "1" ]]; then
  skip_prebuilt=()
fi

echo "tests/cap/install.sh: npm ci in $here (node $node_version, npm $(npm --version))" >&2
start=$SECONDS
"${skip_prebuilt[@]}" npm ci --no-audit --no-fund >&2 || die "'npm ci' failed in $here (see its output above)."

# The native SQLite driver must load, or every request would fail later with a vaguer error.
check_driver ||
  die "better-sqlite3 was installed but does not load in node $node_version; run 'bash tests/cap/install.sh --force'."

echo "$stamp" >"$stamp_file"
if [[ -n "$cache" ]]; then
  mkdir -p "$cache_root"
  tmp="$(mktemp -d "$cache_root/.tmp.XXXXXX")"
  if cp -a node_modules "$tmp/node_modules"; then
    rm -rf "$cache" && mv "$tmp" "$cache" || true
  fi
  rm -rf "$tmp"
fi
echo "tests/cap/install.sh: installed in $((SECONDS - start)) s" >&2
