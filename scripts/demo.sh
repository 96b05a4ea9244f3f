#!/usr/bin/env bash
# The main job: installs what it needs (npm packages; the Pulumi CLI, built once from the Go module proxy unless one is
# on PATH; Ceph RadosGW from Debian packages), then runs index.ts's lifecycle with the real `pulumi` against a local
# S3 server, then a short part where a Python program (scripts/demo-python) goes through the provider plugin (its venv,
# with `pulumi` from PyPI, is built once by scripts/pulumi-cli/python-venv.sh), and stops the server.
# On a machine whose node is older than the floor (package.json engines: Node 22), it runs on a Node 22 from the npm
# registry, as the floor leg does (scripts/lib/node.sh): the CLI starts the program and the provider host with the
# `node` on PATH, and on Node 20 the AWS SDK warns in every preview and up.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/node.sh
source scripts/lib/node.sh
use_supported_node
bash scripts/ensure-deps.sh
PULUMI_CLI_ROOT="$(bash scripts/pulumi-cli/ensure.sh)"
export PATH="$PULUMI_CLI_ROOT/bin:$PATH"
npm run --silent build >&2
exec node -r ts-node/register/transpile-only scripts/demo.ts
