#!/usr/bin/env bash
# The main job: installs what it needs (npm packages; the Pulumi CLI, built once from the Go module proxy unless one is
# on PATH; Ceph RadosGW from Debian packages), then runs index.ts's lifecycle with the real `pulumi` against a local
# S3 server, and stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
PULUMI_CLI_ROOT="$(bash scripts/pulumi-cli/ensure.sh)"
export PATH="$PULUMI_CLI_ROOT/bin:$PATH"
# The SDK warns once per process that its 2027 releases will need Node 22; that is known (docs/development.md).
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}
npm run --silent build >&2
exec node -r ts-node/register/transpile-only scripts/demo.ts
