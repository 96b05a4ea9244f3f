#!/usr/bin/env bash
# The test command: installs what it needs, then runs every test tier (unit, s3, host, program) with jest.
# Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run --silent build >&2
exec npx jest "$@"
