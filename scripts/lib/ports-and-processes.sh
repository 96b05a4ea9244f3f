# shellcheck shell=bash
# Shared by scripts/local-s3.sh and scripts/localstack.sh (sourced after they set LOG_NAME, the prefix of their log lines).

log() { printf '[%s %s] %s\n' "$LOG_NAME" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
# The sourcing script's header comment, up to its `set -euo`, is its usage text.
usage() {
  local script="${BASH_SOURCE[${#BASH_SOURCE[@]}-1]}"
  sed -n '2,/^set -euo/p' "$script" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# A port is taken when any TCP socket (listening, bound or connected, IPv4 or IPv6) has it as its local port.
port_taken() {
  local hex; hex=$(printf ':%04X' "$1")
  awk -v p="$hex" 'FNR > 1 && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null && return 0
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pick_port FIRST COUNT [EXCLUDED_PORT]: a free port picked at random in FIRST…FIRST+COUNT-1.
pick_port() {
  local first="$1" count="$2" excluded="${3:-}" p
  for _ in $(seq 1 200); do
    p=$(( first + (RANDOM * 32768 + RANDOM) % count ))
    [ "$p" != "$excluded" ] && ! port_taken "$p" && { echo "$p"; return 0; }
  done
  die "found no free TCP port in $first–$(( first + count - 1 ))"
}

valid_port() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

# A daemonized process that exited stays a zombie until its new parent (init) reaps it, which some container inits do
# only every few seconds: a zombie counts as gone.
alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# terminate_pid PID TIMEOUT [NAME]: SIGTERM, up to TIMEOUT seconds for PID to exit, then SIGKILL and up to 5 s more.
# Status 0 when PID is gone, 1 when it is still there after SIGKILL. NAME prefixes the SIGKILL log line.
# The caller checks first that PID is its own process (a recycled pid belongs to someone else).
terminate_pid() {
  local pid="$1" timeout="$2" prefix="${3:+$3: }" deadline
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(date +%s%N) / 1000000 + timeout * 1000 ))
  while alive "$pid" && [ $(( $(date +%s%N) / 1000000 )) -lt $deadline ]; do sleep 0.05; done
  alive "$pid" || return 0
  log "${prefix}pid $pid ignored SIGTERM for ${timeout}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do alive "$pid" || return 0; sleep 0.05; done
  return 1
}
