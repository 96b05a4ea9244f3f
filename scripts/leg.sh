#!/usr/bin/env bash
# leg.sh — every test tier on one of the two supported-runtime legs, saying which versions it ran.
#
# Usage:
#   scripts/leg.sh floor   [jest args...]   the committed lockfile, on the oldest Node that package.json's engines claim
#   scripts/leg.sh current [jest args...]   a scratch copy with the newest Node LTS and the newest dependencies
#
# floor    runs `npm test` (scripts/test.sh) in place, with the lockfile's versions. It first checks that they are the
#          floor that package.json claims: Node's major is the one of `engines.node` (else a Node of that major is
#          taken from the npm registry's `node` package), and the installed @pulumi/pulumi is the lowest version
#          `peerDependencies` allow.
# current  copies the committed files (git ls-files) to a scratch directory, takes Node $CURRENT_NODE_MAJOR (the newest
#          LTS line; the newest version of it the npm registry's `node` package serves), installs the newest
#          @pulumi/pulumi 3.x, @aws-sdk/client-s3 and @pulumi/aws there, type-checks, and runs every tier. The scratch
#          directory is removed afterwards (LEG_KEEP=1 keeps it). The Pulumi CLI and LocalStack's venv of this checkout
#          are reused, not rebuilt.
# Both print a `[leg] ...` line with the versions before the tests start.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
# Node 26 is the newest LTS line (Active LTS since October 2026). Raise this when a newer even-numbered line turns LTS.
CURRENT_NODE_MAJOR="${CURRENT_NODE_MAJOR:-26}"

log() { printf '[leg %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# node_from_registry, use_node, engines_node_floor (shared with scripts/test.sh and scripts/demo.sh).
# shellcheck source=scripts/lib/node.sh
source "$ROOT/scripts/lib/node.sh"

versions() { # the versions this leg runs, from the installed packages
  # shellcheck disable=SC2016 # ${…} is JavaScript's (template literals), for node, not the shell's
  node -e '
    const v = (name) => { try { return require(require.resolve(`${name}/package.json`, { paths: [process.cwd()] })).version; } catch { return "missing"; } };
    console.log(`node ${process.versions.node}, @pulumi/pulumi ${v("@pulumi/pulumi")}, @aws-sdk/client-s3 ${v("@aws-sdk/client-s3")}, @pulumi/aws ${v("@pulumi/aws")}, typescript ${v("typescript")}`);'
}

cmd_floor() {
  cd "$ROOT"
  bash scripts/ensure-deps.sh
  local node_floor pulumi_floor
  node_floor=$(engines_node_floor)
  pulumi_floor=$(node -p 'require("./package.json").peerDependencies["@pulumi/pulumi"].match(/>=\s*([\d.]+)/)[1]')
  if [ "$(node_major)" != "$node_floor" ]; then
    log "this machine's node is $(node --version); the floor is Node $node_floor"
    # First on PATH for the whole run: jest, the provider host and the Pulumi CLI's plugins spawn `node` from PATH.
    use_node "$node_floor"
  fi
  local installed; installed=$(node -p 'require("@pulumi/pulumi/package.json").version')
  [ "$installed" = "$pulumi_floor" ] || die "the lockfile installs @pulumi/pulumi $installed, but peerDependencies claim $pulumi_floor as the floor: make them agree"
  log "floor leg (committed lockfile): $(versions)"
  exec bash scripts/test.sh "$@"
}

cmd_current() {
  local work bin
  work=$(mktemp -d "${TMPDIR:-/tmp}/leg-current-XXXXXX")
  # Expanded now: the trap runs at exit, after this function's locals are gone (set -u would fail on them).
  # shellcheck disable=SC2064 # expanded now on purpose (above)
  if [ "${LEG_KEEP:-0}" != 1 ]; then trap "rm -rf '$work'" EXIT; else log "keeping $work"; fi
  bin=$(node_from_registry "$CURRENT_NODE_MAJOR")
  # The CLI and LocalStack of this checkout, found or built with its own node, before PATH changes.
  export PULUMI_CLI_ROOT="${PULUMI_CLI_ROOT:-$(bash "$ROOT/scripts/pulumi-cli/ensure.sh")}"
  export LOCALSTACK_CACHE_DIR="${LOCALSTACK_CACHE_DIR:-$ROOT/.cache/localstack}"
  export PATH="$bin:$PATH"
  mkdir -p "$work/app"
  (cd "$ROOT" && git ls-files -z | xargs -0 -I{} cp --parents {} "$work/app")
  cd "$work/app"
  log "installing the newest @pulumi/pulumi 3.x, @aws-sdk/client-s3 and @pulumi/aws on Node $(node --version)"
  npm install --no-audit --no-fund >&2
  npm install --no-audit --no-fund --save-dev '@pulumi/pulumi@^3' '@pulumi/aws@latest' >&2
  npm install --no-audit --no-fund --save '@aws-sdk/client-s3@latest' >&2
  log "current leg (scratch copy $work/app): $(versions)"
  export BUCKET_POLICY_LEG=current
  npm run --silent typecheck >&2
  bash scripts/test.sh "$@"
}

cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
  floor) cmd_floor "$@" ;;
  current) cmd_current "$@" ;;
  *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
