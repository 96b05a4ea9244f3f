#!/usr/bin/env bash
# python-venv.sh — a project-local Python virtual environment with the Pulumi Python SDK, for Python programs run by
# the CLI from scripts/pulumi-cli/ensure.sh (whose ROOT/bin has pulumi-language-python and pulumi-language-python-exec).
#
# Usage: bash scripts/pulumi-cli/python-venv.sh   prints VENV on stdout (only that); progress goes to stderr.
#
# VENV = <repo>/.cache/python-sdk/venv (git-ignored), with `pulumi==$PULUMI_PYTHON_SDK_VERSION` from PyPI and its
# dependencies, nothing else. The version is pinned in the pins block of ensure.sh (read from there: one place).
# Built once with a CPython >= 3.12: $PULUMI_PYTHON, else python3.13/3.12/3.14 on PATH, else pyenv's, else python3
# (as scripts/localstack.sh finds one). Later runs reuse it without network while the pin and the interpreter's
# version are unchanged; otherwise it is rebuilt.
#
# Run a Python program with the venv ACTIVATED for the CLI: the v3.68 Python language host ignores
# `runtime.options.virtualenv` under this CLI and runs `python` from PATH:
#     venv=$(bash scripts/pulumi-cli/python-venv.sh); root=$(bash scripts/pulumi-cli/ensure.sh)
#     PATH="$venv/bin:$root/bin:$PATH" VIRTUAL_ENV="$venv" pulumi up ...
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"
CACHE="$REPO/.cache/python-sdk"
VENV="$CACHE/venv"
log() { printf '[python-sdk] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The pin lives in ensure.sh's pins block: PULUMI_PYTHON_SDK_VERSION=<x.y.z>.
SDK_VERSION="$(sed -n 's/^PULUMI_PYTHON_SDK_VERSION=\([0-9][0-9.]*\).*/\1/p' "$HERE/ensure.sh")"
[ -n "$SDK_VERSION" ] || die "no PULUMI_PYTHON_SDK_VERSION=<x.y.z> line in $HERE/ensure.sh's pins block"

# shellcheck source=SCRIPTDIR/../lib/python.sh
. "$HERE/../lib/python.sh"

mkdir -p "$CACHE"
# One install at a time: parallel first runs wait for each other instead of building one venv twice.
if command -v flock >/dev/null; then
    exec 9>"$CACHE/install.lock"
    flock -w 900 9 || die "waited 15 min for another install (lock $CACHE/install.lock)"
fi

# Reused while this stamp matches (written last, so an interrupted install is redone). No interpreter search and no
# network on this path.
stamp_of() { printf 'pulumi==%s python %s\n' "$SDK_VERSION" "$("$1" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null)"; }
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.installed" 2>/dev/null)" = "$(stamp_of "$VENV/bin/python")" ] &&
    { [ -z "${PULUMI_PYTHON:-}" ] || [ "$(stamp_of "$PULUMI_PYTHON")" = "$(stamp_of "$VENV/bin/python")" ]; }; then
    exec 9>&-
    echo "$VENV"
    exit 0
fi

python="$(find_python PULUMI_PYTHON "The Pulumi Python SDK's venv")"
started=$SECONDS
log "installing pulumi==$SDK_VERSION from PyPI into $VENV with $python ($("$python" --version 2>&1)); once"
rm -rf "$VENV"
"$python" -m venv "$VENV" || die "$python -m venv failed (Debian: apt-get install python3-venv for that Python)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "pulumi==$SDK_VERSION" >&2 ||
    die "pip install pulumi==$SDK_VERSION failed (see pip's output above); PyPI must be reachable"
"$VENV/bin/python" -c 'import pulumi, pulumi.runtime' || die "the venv was built but \`import pulumi\` fails (see above)"
stamp_of "$VENV/bin/python" > "$VENV/.installed"
exec 9>&-
log "installed pulumi==$SDK_VERSION in $((SECONDS - started)) s"
echo "$VENV"
