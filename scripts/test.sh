#!/usr/bin/env bash
# The test command: installs what it needs, then runs every test tier (unit, s3, host, program, cli) with jest.
# Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
# On a machine whose node is older than the floor (package.json engines: Node 22), it runs on a Node 22 from the npm
# registry, as the floor leg does (scripts/lib/node.sh): on Node 20 the AWS SDK warns in every process.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/node.sh
source scripts/lib/node.sh
use_supported_node
bash scripts/ensure-deps.sh
npm run --silent build >&2
exec npx jest "$@"
