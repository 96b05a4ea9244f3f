#!/usr/bin/env bash
# Sourced: finds a CPython >= 3.12 for a project-local venv (LocalStack's, the Pulumi Python SDK's). The caller
# defines die().

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

# find_python OVERRIDE WHO: prints the interpreter named by the environment variable OVERRIDE when it is set, else the
# first CPython >= 3.12 of python3.13, python3.12, python3.14 on PATH, pyenv's versions (newest first), python3.
# WHO names what needs it, for the error when there is none.
find_python() {
  local override_name="$1" who="$2" override candidate roots=()
  override="${!override_name:-}"
  if [ -n "$override" ]; then
    python_ok "$override" || die "$override_name=$override is not a CPython >= 3.12"
    echo "$override"; return 0
  fi
  for candidate in python3.13 python3.12 python3.14; do
    command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate" && { command -v "$candidate"; return 0; }
  done
  command -v pyenv >/dev/null 2>&1 && roots+=("$(pyenv root)")
  roots+=("${PYENV_ROOT:-$HOME/.pyenv}")
  for candidate in $(for r in "${roots[@]}"; do ls -d "$r"/versions/3.1[2-9]*/bin/python3 2>/dev/null; done | sort -rV); do
    python_ok "$candidate" && { echo "$candidate"; return 0; }
  done
  command -v python3 >/dev/null 2>&1 && python_ok python3 && { command -v python3; return 0; }
  die "$who needs CPython >= 3.12, and none was found (tried $override_name, python3.13, python3.12, python3.14, pyenv's versions, python3). Install one (Debian 13: apt-get install python3.13-venv; or pyenv install 3.13) and/or set $override_name."
}
