#!/usr/bin/env bash
# `npm run bench`: every benchmark in one run (bench/run.ts; flags pass through, e.g. `npm run bench -- --smoke`).
# On a machine whose node is older than the floor (package.json engines: Node 22), it runs on a Node 22 from the npm
# registry, as the tests do (scripts/lib/node.sh): the figures are for a supported runtime, and the provider host and
# the Pulumi CLI it starts run on the same Node.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/node.sh
source scripts/lib/node.sh
use_supported_node
bash scripts/ensure-deps.sh
exec node -r ts-node/register/transpile-only bench/run.ts "$@"
