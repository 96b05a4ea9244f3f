#!/usr/bin/env bash
# localstack.sh — LocalStack's S3 (localstack-core 2026.3.0, from PyPI) on loopback, without Docker: the second local
# S3 server, the one that checks x-amz-expected-bucket-owner and policy documents as AWS does. Its S3 provider is
# written by others than this project, so it can disagree with our reading of AWS.
#
# Usage:
#   scripts/localstack.sh install
#   scripts/localstack.sh start  [DIR] [PORT]
#   scripts/localstack.sh stop   DIR [--purge]
#   scripts/localstack.sh status DIR
#
# install  builds the pinned virtual environment (scripts/localstack/requirements.txt) in <repo>/.cache/localstack/venv
#          (git-ignored) with a CPython >= 3.12: $LOCALSTACK_PYTHON, else python3.13/3.12/3.14 on PATH, else pyenv's.
#          ~30 s and ~180 MB from PyPI, once; reused while requirements.txt and the Python are unchanged. start runs it.
# start    starts LocalStack's S3 in DIR (default: a new /tmp/localstack-XXXXXX) on PORT (default: a free one in
#          32000–43999; another one when it was taken meanwhile), waits until S3 answers, and makes two accounts'
#          credentials: access key ids in AWS's format that encode the accounts 111122223333 (alice) and 444455556666
#          (bob), as AWS's own key ids do (LocalStack's PARITY_AWS_ACCESS_KEY_ID), with random secrets. stdout gets
#          ONLY KEY=value lines, also written to DIR/env; progress goes to stderr. On failure it stops what it started.
# stop     SIGTERM (SIGKILL after LOCALSTACK_STOP_TIMEOUT s, default 10) to the server in DIR/pid, only when its command
#          line names DIR. --purge then deletes DIR (only if it holds this script's marker, DIR/.localstack).
# status   prints the env lines plus LOCALSTACK_STATUS=running|stopped; exit 0 only when S3 answers.
#
# Loopback only: the server binds 127.0.0.1, and scripts/localstack/serve.py refuses (and logs as [loopback-guard])
# every non-loopback lookup, connection and subprocess. It reads no AWS credentials of yours: the environment it
# gets is built here from scratch.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
HERE="$REPO/scripts/localstack"
REQUIREMENTS="$HERE/requirements.txt"
CACHE="${LOCALSTACK_CACHE_DIR:-$REPO/.cache/localstack}"
VENV="$CACHE/venv"
TIMEOUT="${LOCALSTACK_START_TIMEOUT:-90}"
STOP_TIMEOUT="${LOCALSTACK_STOP_TIMEOUT:-10}"
ALICE_ACCOUNT=111122223333
BOB_ACCOUNT=444455556666

LOG_NAME=localstack
HELPERS="$(dirname "${BASH_SOURCE[0]}")/lib/ports-and-processes.sh"
# shellcheck source=SCRIPTDIR/lib/ports-and-processes.sh
. "$HELPERS"

# ------------------------------------------------------------------------------------------------------------ install
# shellcheck source=SCRIPTDIR/lib/python.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/python.sh"

# The venv is reused while this stamp matches: the requirements' hash and the interpreter it was built with.
venv_stamp() { printf '%s %s\n' "$(sha256sum "$REQUIREMENTS" | cut -c1-16)" "$("$1" -c 'import sys; print(sys.version.split()[0])')"; }

cmd_install() {
  mkdir -p "$CACHE"
  # One install at a time (parallel first runs wait for each other instead of building one venv twice).
  exec 9>"$CACHE/install.lock"
  flock -w 900 9 || die "waited 15 min for another install (lock $CACHE/install.lock)"
  local python stamp
  python=$(find_python LOCALSTACK_PYTHON "LocalStack 2026.3.0")
  stamp=$(venv_stamp "$python")
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.installed" 2>/dev/null)" = "$stamp" ]; then exec 9>&-; return 0; fi
  local t; t=$(now)
  log "installing LocalStack's S3 into $VENV with $python ($("$python" --version 2>&1)); ~30 s and ~180 MB from PyPI, once"
  rm -rf "$VENV"
  "$python" -m venv "$VENV" || die "$python -m venv failed (Debian: apt-get install python3-venv for that Python)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$REQUIREMENTS" >&2 \
    || die "pip install -r $REQUIREMENTS failed (see pip's output above); PyPI must be reachable"
  "$VENV/bin/python" -c 'import localstack.runtime.main, localstack.services.s3.provider' \
    || die "the venv was built but LocalStack does not import (see the error above)"
  echo "$stamp" > "$VENV/.installed"
  exec 9>&- # release the lock (a server started later must not inherit it)
  log "installed in $(elapsed "$t")s"
}

# ------------------------------------------------------------------------------------------------------------ process
ours() { tr '\0' '\n' < "/proc/$1/environ" 2>/dev/null | grep -qxF -- "LOCALSTACK_SERVER_DIR=$2"; }

# An access key id in AWS's format whose characters 5–12 encode ACCOUNT as AWS's do (and as LocalStack decodes them
# with PARITY_AWS_ACCESS_KEY_ID: localstack/aws/accounts.py), then random characters.
access_key_for() {
  "$VENV/bin/python" - "$1" <<'EOF'
import base64, secrets, sys
account = int(sys.argv[1])
alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
encoded = base64.b32encode((account // 2 + 549755813888).to_bytes(5, "big")).decode()
parity = alphabet[16 + secrets.randbelow(16)] if account % 2 else alphabet[secrets.randbelow(16)]
print("AKIA" + encoded + parity + "".join(secrets.choice(alphabet) for _ in range(7)))
EOF
}
random_secret() { "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(30)[:40])'; }

server_env() { # server_env DIR PORT: the whole environment of the server, from scratch
  local dir="$1" port="$2"
  printf '%s\n' \
    "PATH=/usr/bin:/bin" "HOME=$dir/home" "LANG=C.UTF-8" \
    "LOCALSTACK_SERVER_DIR=$dir" "LOCALSTACK_S3_STORAGE_DIR=$dir/s3" \
    "OVERRIDE_IN_DOCKER=0" "SERVICES=s3" "EAGER_SERVICE_LOADING=1" \
    "GATEWAY_LISTEN=127.0.0.1:$port" "LOCALSTACK_HOST=127.0.0.1:$port" \
    "PARITY_AWS_ACCESS_KEY_ID=1" \
    "DNS_ADDRESS=0" "DISABLE_EVENTS=1" "SKIP_SSL_CERT_DOWNLOAD=1" "PERSISTENCE=0" \
    "API_ENDPOINT=http://127.0.0.1:1/v1" "ANALYTICS_API=http://127.0.0.1:1/v1" \
    "FILESYSTEM_ROOT=$dir/fs" "TMPDIR=$dir/tmp" "CONFIG_DIR=$dir/config" \
    "DEBUG=${LOCALSTACK_DEBUG:-0}"
}

s3_answers() { # the S3 API answers (an unsigned ListBuckets gets an S3 error document: the service is up)
  curl -s -m 2 "http://127.0.0.1:$1/_localstack/health" 2>/dev/null | grep -q '"s3": *"\(running\|available\)"'
}

start_once() { # start_once DIR PORT: 0 ready, 75 port taken meanwhile, 1 failed
  local dir="$1" port="$2" pid deadline vars
  : > "$dir/log"
  # One NAME=value per line: a value may hold spaces (DIR), never a newline.
  mapfile -t vars < <(server_env "$dir" "$port")
  # setsid: its own session, so a Ctrl-C to the caller's terminal does not reach it; stop signals it by pid.
  env -i "${vars[@]}" setsid "$VENV/bin/python" "$HERE/serve.py" >>"$dir/log" 2>&1 </dev/null 3>&- 9>&- &
  pid=$!
  echo "$pid" > "$dir/pid"
  deadline=$(( $(date +%s) + TIMEOUT ))
  until grep -q '^Ready\.' "$dir/log" && s3_answers "$port"; do
    if ! alive "$pid"; then
      grep -q "Address already in use\|Couldn't listen\|CannotListenError" "$dir/log" && return 75
      log "the server exited before it was ready; the end of $dir/log:"; tail -n 30 "$dir/log" >&2; return 1
    fi
    [ "$(date +%s)" -lt "$deadline" ] || { log "not ready after ${TIMEOUT}s; the end of $dir/log:"; tail -n 30 "$dir/log" >&2; return 1; }
    sleep 0.1
  done
  return 0
}

stop_server() { # stop_server DIR
  local dir="$1" pid
  pid=$(cat "$dir/pid" 2>/dev/null || true)
  [ -n "$pid" ] || return 0
  if ! alive "$pid"; then rm -f "$dir/pid"; return 0; fi
  # A recycled pid belongs to someone else: signal only the process started for this DIR.
  ours "$pid" "$dir" || { log "pid $pid is not this DIR's server; leaving it alone"; rm -f "$dir/pid"; return 0; }
  terminate_pid "$pid" "$STOP_TIMEOUT" || true
  log "stopped (pid $pid)"
  rm -f "$dir/pid"
}

cmd_start() {
  local dir="${1:-}" port="${2:-}" auto_port=1 t; t=$(now)
  [ -n "$port" ] && { valid_port "$port" || die "not a port number: $port"; auto_port=0; }
  cmd_install
  if [ -z "$dir" ]; then dir=$(mktemp -d "${TMPDIR:-/tmp}/localstack-XXXXXX"); fi
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd -P)
  if [ -f "$dir/pid" ] && alive "$(cat "$dir/pid")"; then die "$dir/pid: the server is still running; run: $0 stop $dir"; fi
  rm -rf "${dir:?}"/{s3,fs,tmp,config,home,env}
  mkdir -p "$dir/s3" "$dir/fs" "$dir/tmp" "$dir/config" "$dir/home"
  : > "$dir/.localstack"
  trap 'log "interrupted; stopping what was started"; stop_server "$dir"; exit 130' INT TERM HUP
  local attempt rc
  for attempt in 1 2 3 4 5; do
    [ $auto_port = 1 ] && port=$(pick_port 32000 12000)
    [ $auto_port = 0 ] && port_taken "$port" && die "port $port is already in use"
    rc=0; start_once "$dir" "$port" || rc=$?
    [ $rc = 0 ] && break
    stop_server "$dir"
    if [ $rc = 75 ] && [ $auto_port = 1 ] && [ $attempt -lt 5 ]; then log "port $port was taken meanwhile; trying another"; continue; fi
    die "start failed (port $port); the log is $dir/log"
  done
  trap - INT TERM HUP
  log "LocalStack S3 ready on 127.0.0.1:$port after $(elapsed "$t")s"
  cat > "$dir/env.tmp" <<EOF
LOCALSTACK_DIR=$dir
LOCALSTACK_ENDPOINT=http://127.0.0.1:$port
LOCALSTACK_REGION=us-east-1
LOCALSTACK_PORT=$port
LOCALSTACK_PID=$(cat "$dir/pid")
USER1_ID=alice
USER1_ACCOUNT_ID=$ALICE_ACCOUNT
USER1_ACCESS_KEY=$(access_key_for $ALICE_ACCOUNT)
USER1_SECRET_KEY=$(random_secret)
USER1_PRINCIPAL_ARN=arn:aws:iam::$ALICE_ACCOUNT:root
USER2_ID=bob
USER2_ACCOUNT_ID=$BOB_ACCOUNT
USER2_ACCESS_KEY=$(access_key_for $BOB_ACCOUNT)
USER2_SECRET_KEY=$(random_secret)
USER2_PRINCIPAL_ARN=arn:aws:iam::$BOB_ACCOUNT:root
EOF
  mv "$dir/env.tmp" "$dir/env"
  cat "$dir/env" >&3
}

cmd_stop() {
  local dir="${1:-}" purge=0
  [ -n "$dir" ] || die "stop needs the server's DIR"
  [ "${2:-}" = "--purge" ] && purge=1
  [ -d "$dir" ] || { log "$dir does not exist; nothing to stop"; return 0; }
  dir=$(cd "$dir" && pwd -P)
  stop_server "$dir"
  if [ $purge = 1 ]; then
    if [ -e "$dir/.localstack" ]; then rm -rf "$dir"; log "removed $dir"
    else log "not removing $dir: it has no .localstack marker, so this script did not create it"; fi
  fi
}

cmd_status() {
  local dir="${1:-}"
  if [ -z "$dir" ] || [ ! -f "$dir/env" ]; then echo "LOCALSTACK_STATUS=stopped" >&3; return 1; fi
  cat "$dir/env" >&3
  if s3_answers "$(sed -n 's/^LOCALSTACK_PORT=//p' "$dir/env")"; then echo "LOCALSTACK_STATUS=running" >&3; return 0; fi
  echo "LOCALSTACK_STATUS=stopped" >&3; return 1
}

# Keep the real stdout on fd 3 for the KEY=value lines; everything else (pip, the server) goes to stderr.
exec 3>&1 1>&2
cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
  install) cmd_install ;;
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  status) cmd_status "$@" ;;
  -h|--help|help) usage ;;
  *) log "unknown command '${cmd}'"; usage ;;
esac
