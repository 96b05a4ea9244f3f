#!/usr/bin/env bash
# The test command: installs what it needs, then runs every test tier (unit, s3, host, program) with jest.
# Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
# The SDK warns once per process that its 2027 releases will need Node 22; that is known (docs/development.md).
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}
npm run --silent build >&2
exec npx jest "$@"
