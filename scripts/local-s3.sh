#!/usr/bin/env bash
# local-s3.sh — a disposable S3 server on loopback for tests and experiments: Ceph RadosGW (Debian's
# ceph 16.2 "pacific") on a one-node cluster (1 mon, 1 memstore OSD, no mgr, auth off) that lives entirely in DIR.
#
# Usage:
#   scripts/local-s3.sh start  [DIR] [RGW_PORT] [MON_PORT]
#   scripts/local-s3.sh stop   [DIR] [--purge]
#   scripts/local-s3.sh status [DIR]
#
# DIR      default: <repo>/.local-s3 (git-ignored), or /tmp/local-s3-<uid> when that path is too long. Keep it short:
#          ceph's unix admin sockets (DIR/run/*.asok) are limited to 107 bytes, so DIR may be at most 70 characters.
# PORTS    default: free ports picked at random in 20000–31999 (checked against /proc/net/tcp*), so runs in parallel
#          do not clash; if another process grabs a picked port first, start retries with new ones. The OSD binds
#          its own ports in 127.0.0.1:6800–7300. Nothing binds to any address but 127.0.0.1.
#
# start    installs ceph-mon ceph-osd radosgw ceph-common curl with apt-get when a binary is missing (as root, else
#          with sudo; `apt-get update` and a retry when the first install fails), wipes any previous cluster state in
#          DIR, starts mon, OSD and radosgw, waits for HTTP 200, and creates two S3 users, alice and bob, with random
#          keys. stdout gets ONLY KEY=value lines (dotenv/eval-able); the same lines are written to DIR/env. Progress,
#          timings and errors go to stderr. On failure it stops what it started (logs stay in DIR/log) and exits 1.
# stop     sends SIGTERM (SIGKILL after LOCAL_S3_STOP_TIMEOUT seconds, default 10) to the pids in DIR/run/*.pid, in the
#          order radosgw, OSD, mon, and only to a process whose command line contains DIR/ceph.conf: it never kills by
#          name. --purge then deletes DIR (only if it holds this script's marker file, DIR/.local-s3).
# status   prints the env lines plus LOCAL_S3_STATUS=running|stopped|partial; exit 0 only when every daemon runs and
#          the endpoint answers.
#
# Optional env: LOCAL_S3_SKIP_INSTALL=1 (never call apt-get), LOCAL_S3_START_TIMEOUT (seconds per phase, default 60),
# USER1_ACCESS_KEY / USER1_SECRET_KEY / USER2_ACCESS_KEY / USER2_SECRET_KEY (default: random).
#
# Why the ceph.conf choices: see the comments in write_conf. RadosGW is a real policy engine but not an AWS-exact
# oracle: it ignores x-amz-expected-bucket-owner, never answers 405 to a non-owner, and says InvalidArgument where AWS
# says MalformedPolicy (tests/support/s3proxy.ts stands in for those).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PACKAGES=(ceph-mon ceph-osd radosgw ceph-common curl)
BINARIES=(ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool ceph-authtool curl)
MAX_DIR_CHARS=70
TIMEOUT="${LOCAL_S3_START_TIMEOUT:-60}"
STOP_TIMEOUT="${LOCAL_S3_STOP_TIMEOUT:-10}"
RETRY_PORTS=75 # exit status of a start attempt that lost a port to another process
STOPPED_PIDS=()

LOG_NAME=local-s3
HELPERS="$(dirname "${BASH_SOURCE[0]}")/lib/ports-and-processes.sh"
# shellcheck source=SCRIPTDIR/lib/ports-and-processes.sh
. "$HELPERS"

default_dir() {
  local d="$REPO/.local-s3"
  if [ ${#d} -le $MAX_DIR_CHARS ]; then echo "$d"; else echo "/tmp/local-s3-$(id -u)"; fi
}

# Absolute, symlink-free DIR: the same string at start and stop, since stop matches it in /proc/PID/cmdline.
resolve_dir() { (cd "$1" && pwd -P); }

# ------------------------------------------------------------------------------------------------------------ install
install_packages() {
  local missing=() b
  for b in "${BINARIES[@]}"; do command -v "$b" >/dev/null 2>&1 || missing+=("$b"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "${LOCAL_S3_SKIP_INSTALL:-0}" = 1 ] && die "missing ${missing[*]} and LOCAL_S3_SKIP_INSTALL=1; install: apt-get install ${PACKAGES[*]}"
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and there is no apt-get (a Debian/Ubuntu machine is needed for ${PACKAGES[*]})"
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}: installing ${PACKAGES[*]} needs root, and sudo is not installed"
    if [ -t 0 ]; then sudo=(sudo); else sudo=(sudo -n); fi
  fi
  local t; t=$(now)
  log "installing ${PACKAGES[*]} with apt-get (missing: ${missing[*]}); this takes 10–40 s on a fresh machine"
  # The dpkg lock timeout lets parallel first runs wait for each other instead of failing.
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
  if ! "${apt[@]}" install -y -q --no-install-recommends "${PACKAGES[@]}" >&2; then
    log "apt-get install failed; running apt-get update and trying again"
    "${apt[@]}" update -q >&2 || die "apt-get update failed (exit $?) — see apt-get's output${sudo:+ (sudo -n needs passwordless sudo; or run as root)}"
    "${apt[@]}" install -y -q --no-install-recommends "${PACKAGES[@]}" >&2 \
      || die "apt-get install ${PACKAGES[*]} failed (exit $?) — see apt-get's output${sudo:+ (sudo -n needs passwordless sudo; or run as root)}"
  fi
  for b in "${BINARIES[@]}"; do command -v "$b" >/dev/null 2>&1 || die "apt-get installed ${PACKAGES[*]} but $b is still missing"; done
  log "install done in $(elapsed "$t")s"
}

# ------------------------------------------------------------------------------------------------------------ cluster
write_conf() { # write_conf DIR RGW_PORT MON_PORT FSID
  local dir="$1"
  cat > "$dir/ceph.conf" <<EOF
# Written by scripts/local-s3.sh: a disposable one-node cluster on loopback. Do not edit; start rewrites it.
[global]
fsid = $4
# v1 messenger only, one v1 mon address: no msgr2 port to pick, and the v1 CLI/daemons agree on it.
mon_host = v1:127.0.0.1:$3
mon_initial_members = a
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_msgr2 = false
# No cephx: nothing here is reachable from outside loopback, and keyrings would only slow the start down.
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
run_dir = $dir/run
admin_socket = $dir/run/\$name.asok
pid_file = $dir/run/\$name.pid
log_file = $dir/log/\$name.log
mon_cluster_log_file = $dir/log/cluster.log
keyring = $dir/keyring
# One OSD: pools of size 1, few PGs, no crush host level.
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_max_pg_per_osd = 1000
osd_crush_chooseleaf_type = 0
mon_allow_pool_delete = true
# The default paxos_propose_interval (1 s) makes each of radosgw's 6 pool creations wait a paxos round:
# the cluster then starts in ~12.6 s instead of ~1.5 s. S3 behaviour is the same either way.
paxos_propose_interval = 0.05
paxos_min_wait = 0.01
[mon]
mon_data = $dir/mon/\$cluster-\$id
# Fail at once (instead of retrying for 10 s) when the mon port was taken, so start can pick another one.
ms_bind_retry_count = 1
[osd]
osd_data = $dir/osd/\$cluster-\$id
# memstore: the data lives in RAM, no disk image, nothing to clean but DIR.
osd_objectstore = memstore
memstore_device_bytes = 1073741824
[client.rgw.a]
# tcp_nodelay: without it a GET's answer (headers, then body) waits on the client's delayed ACK: 44 ms a GET on
# loopback, against 5 ms a PUT, which made every read look like the provider's cost in the benchmarks.
rgw_frontends = beast endpoint=127.0.0.1:$2 tcp_nodelay=1
rgw_data = $dir/rgw
rgw_thread_pool_size = 64
# No lifecycle, garbage-collection or quota threads: tests do not need them, and the lifecycle thread's 5 s sleep
# otherwise delays radosgw's exit on SIGTERM by ~4 s.
rgw_enable_lc_threads = false
rgw_enable_gc_threads = false
rgw_enable_quota_threads = false
EOF
}

pid_of() { cat "$1" 2>/dev/null || true; }

# retry_fsid_race CMD...: runs a ceph client command (its stdout passes through), again when it hit the mon's fsid
# race. A client's first command sometimes leaves before its monmap arrived, with a zero fsid; the mon refuses it
# ("handle_command on fsid 0000… != …", the client says EPERM). Even after `mon stat` once succeeded. Harmless; retry.
retry_fsid_race() {
  local try rc err="$DIR/log/client.stderr"
  for try in 1 2 3 4 5 6 7 8 9 10; do
    if "$@" 2>"$err.last"; then cat "$err.last" >>"$err"; return 0; else rc=$?; fi
    cat "$err.last" >>"$err"
    grep -q "EPERM\|Operation not permitted" "$err.last" || { cat "$err.last" >&2; return $rc; }
    log "$1 hit the mon fsid race (EPERM); trying again"
    sleep 0.2
  done
  cat "$err.last" >&2; return $rc
}

# wait_for WHAT CHECK_FN DEATH_FN: polls CHECK_FN until it succeeds; DEATH_FN returns 0 when waiting is pointless.
wait_for() {
  local what="$1" check="$2" dead="$3" deadline=$(( $(date +%s) + TIMEOUT ))
  until "$check" >/dev/null 2>&1; do
    "$dead" && return 1
    [ "$(date +%s)" -lt "$deadline" ] || { log "timeout (${TIMEOUT}s) waiting for $what"; return 1; }
    sleep 0.1
  done
}

show_log() { # show_log FILE: the end of a daemon log, for the error report
  [ -s "$1" ] || return 0
  log "last lines of $1:"
  tail -n 15 "$1" | sed 's/^/    /' >&2
}

# One start attempt, run in a subshell with errexit. Exits $RETRY_PORTS when a port was taken meanwhile.
start_cluster() {
  local dir="$DIR" c=(-c "$DIR/ceph.conf") t
  rm -rf "$dir/ceph.conf" "$dir/run" "$dir/log" "$dir/mon" "$dir/osd" "$dir/rgw" "$dir/monmap" "$dir/keyring" "$dir/users" "$dir/env"
  mkdir -p "$dir"/{run,log,mon,osd,rgw,users}
  local fsid; fsid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$dir" "$RGW_PORT" "$MON_PORT" "$fsid"

  # mon
  t=$(now)
  monmaptool --create --add a "v1:127.0.0.1:$MON_PORT" --fsid "$fsid" "$dir/monmap" >/dev/null
  ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-mon "${c[@]}" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring" 2>>"$dir/log/mkfs.log" \
    || { show_log "$dir/log/mkfs.log"; die "ceph-mon --mkfs failed"; }
  if ! ceph-mon "${c[@]}" -i a </dev/null >>"$dir/log/daemons.stderr" 2>>"$dir/log/daemons.stderr"; then
    if grep -q "unable to bind" "$dir/log/mon.a.log" 2>/dev/null; then
      log "mon port $MON_PORT was taken meanwhile"; exit $RETRY_PORTS
    fi
    show_log "$dir/log/mon.a.log"; die "ceph-mon failed to start"
  fi
  # `mon stat` right after the start can fail with EPERM (fsid race): keep polling.
  # shellcheck disable=SC2317 # called by name, through wait_for
  mon_ok() { ceph "${c[@]}" --connect-timeout 5 mon stat; }
  # shellcheck disable=SC2317 # called by name, through wait_for
  mon_dead() { [ -s "$dir/run/mon.a.pid" ] && ! alive "$(pid_of "$dir/run/mon.a.pid")"; }
  wait_for "mon on 127.0.0.1:$MON_PORT" mon_ok mon_dead || { show_log "$dir/log/mon.a.log"; die "mon did not come up"; }
  log "mon up in $(elapsed "$t")s (pid $(pid_of "$dir/run/mon.a.pid"), port $MON_PORT)"

  # osd (memstore)
  t=$(now)
  local osd_uuid osd_id
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  # `osd new` is idempotent for the same uuid, so a retry cannot create a second OSD.
  osd_id=$(retry_fsid_race ceph "${c[@]}" --connect-timeout 5 osd new "$osd_uuid") || die "ceph osd new failed"
  mkdir -p "$dir/osd/ceph-$osd_id"
  ceph-osd "${c[@]}" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" 2>>"$dir/log/mkfs.log" \
    || { show_log "$dir/log/mkfs.log"; die "ceph-osd --mkfs failed"; }
  # A freshly started OSD (like the CLI) sometimes sends its first mon command with a zero fsid: the mon refuses it
  # ("wrong fsid", EPERM) and the OSD exits during init. That race is harmless; start it again.
  local try
  for try in 1 2 3 4 5; do
    ceph-osd "${c[@]}" -i "$osd_id" </dev/null >>"$dir/log/daemons.stderr" 2>>"$dir/log/daemons.stderr" && break
    if [ $try -lt 5 ] && grep -q "wrong fsid" "$dir/log/osd.$osd_id.log" 2>/dev/null; then
      log "osd.$osd_id hit the mon fsid race at start; starting it again"
      mv "$dir/log/osd.$osd_id.log" "$dir/log/osd.$osd_id.log.$try"
      sleep 0.2
      continue
    fi
    show_log "$dir/log/osd.$osd_id.log"; die "ceph-osd failed to start"
  done
  # shellcheck disable=SC2317 # called by name, through wait_for
  osd_ok() { ceph "${c[@]}" --connect-timeout 5 osd stat 2>/dev/null | grep -q ' 1 up'; }
  # shellcheck disable=SC2317 # called by name, through wait_for
  osd_dead() { [ -s "$dir/run/osd.$osd_id.pid" ] && ! alive "$(pid_of "$dir/run/osd.$osd_id.pid")"; }
  wait_for "osd.$osd_id up" osd_ok osd_dead || { show_log "$dir/log/osd.$osd_id.log"; die "osd.$osd_id did not come up"; }
  log "osd.$osd_id up in $(elapsed "$t")s (pid $(pid_of "$dir/run/osd.$osd_id.pid"))"

  # radosgw (creates its pools on first start)
  t=$(now)
  local rgw_log="$dir/log/client.rgw.a.log" rgw_seen=""
  # shellcheck disable=SC2317 # called by name, through wait_for
  rgw_ok() { [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$RGW_PORT/")" = 200 ]; }
  # radosgw daemonizes before it binds: a taken port shows up only in its log, and then it exits.
  rgw_dead() {
    grep -q "failed to bind address\|failed initializing frontend" "$rgw_log" 2>/dev/null && return 0
    local pid; pid=$(pid_of "$dir/run/client.rgw.a.pid")
    [ -n "$pid" ] && rgw_seen=$pid
    [ -n "$rgw_seen" ] && ! alive "$rgw_seen"
  }
  for try in 1 2 3; do
    rgw_seen=""
    radosgw "${c[@]}" -n client.rgw.a </dev/null >>"$dir/log/daemons.stderr" 2>>"$dir/log/daemons.stderr" \
      || { show_log "$rgw_log"; die "radosgw failed to start"; }
    wait_for "radosgw on 127.0.0.1:$RGW_PORT" rgw_ok rgw_dead && break
    if grep -q "failed to bind address" "$rgw_log" 2>/dev/null; then
      log "radosgw port $RGW_PORT was taken meanwhile"; exit $RETRY_PORTS
    fi
    if [ $try -lt 3 ] && rgw_dead && grep -q "EPERM\|Operation not permitted\|wrong fsid" "$rgw_log" 2>/dev/null; then
      log "radosgw hit the mon fsid race at start; starting it again"
      mv "$rgw_log" "$rgw_log.$try"
      continue
    fi
    show_log "$rgw_log"; die "radosgw did not answer on 127.0.0.1:$RGW_PORT"
  done
  log "radosgw answering in $(elapsed "$t")s (pid $(pid_of "$dir/run/client.rgw.a.pid"), port $RGW_PORT)"

  # users: for a non-tenant user, the owner id (ListBuckets Owner.ID, canonical id) is the uid.
  retry_fsid_race radosgw-admin "${c[@]}" user create --uid=alice --display-name=alice \
    --access-key="$U1_AK" --secret-key="$U1_SK" > "$dir/users/alice.json" || die "radosgw-admin user create alice failed"
  retry_fsid_race radosgw-admin "${c[@]}" user create --uid=bob --display-name=bob \
    --access-key="$U2_AK" --secret-key="$U2_SK" > "$dir/users/bob.json" || die "radosgw-admin user create bob failed"
}

rand() { local s; s=$(head -c 4096 /dev/urandom | LC_ALL=C tr -dc "$1"); printf '%s' "${s:0:$2}"; }

env_lines() { # env_lines DIR: the KEY=value description of the running cluster
  local dir="$1"
  local osd_pid=""; for f in "$dir"/run/osd.*.pid; do [ -e "$f" ] && osd_pid=$(pid_of "$f"); done
  cat <<EOF
RGW_DIR=$dir
RGW_CONF=$dir/ceph.conf
RGW_ENDPOINT=http://127.0.0.1:$RGW_PORT
RGW_REGION=us-east-1
RGW_PORT=$RGW_PORT
RGW_MON_PORT=$MON_PORT
USER1_ID=alice
USER1_ACCESS_KEY=$U1_AK
USER1_SECRET_KEY=$U1_SK
USER1_OWNER_ID=alice
USER1_PRINCIPAL_ARN=arn:aws:iam:::user/alice
USER2_ID=bob
USER2_ACCESS_KEY=$U2_AK
USER2_SECRET_KEY=$U2_SK
USER2_OWNER_ID=bob
USER2_PRINCIPAL_ARN=arn:aws:iam:::user/bob
RGW_PID=$(pid_of "$dir/run/client.rgw.a.pid")
OSD_PID=$osd_pid
MON_PID=$(pid_of "$dir/run/mon.a.pid")
EOF
}

cmd_start() {
  local dir_arg="${1:-}"; [ -n "$dir_arg" ] || dir_arg=$(default_dir)
  local auto_ports=1
  RGW_PORT="${2:-}"; MON_PORT="${3:-}"
  if [ -n "$RGW_PORT" ] || [ -n "$MON_PORT" ]; then auto_ports=0; fi
  for p in $RGW_PORT $MON_PORT; do valid_port "$p" || die "not a port number: $p"; done
  local t_all; t_all=$(now)

  install_packages

  mkdir -p "$dir_arg"
  DIR=$(resolve_dir "$dir_arg")
  [ ${#DIR} -le $MAX_DIR_CHARS ] || die "DIR $DIR is ${#DIR} characters; ceph admin sockets need at most $MAX_DIR_CHARS: use a shorter DIR"
  local f pid
  for f in "$DIR"/run/*.pid; do
    [ -e "$f" ] || continue
    pid=$(pid_of "$f")
    alive "$pid" && die "$f: pid $pid is still running; run: $0 stop $DIR"
  done
  [ -e "$DIR/ceph.conf" ] && log "wiping the previous cluster state in $DIR"
  : > "$DIR/.local-s3" # marker: stop --purge removes only a DIR that has it
  # Interrupted (Ctrl-C, a caller's timeout): stop whatever this start had started; the daemons would outlive us.
  trap 'log "interrupted; stopping what was started"; stop_daemons "$DIR"; exit 130' INT TERM HUP

  U1_AK="${USER1_ACCESS_KEY:-$(rand 'A-Z0-9' 20)}"; U1_SK="${USER1_SECRET_KEY:-$(rand 'A-Za-z0-9' 40)}"
  U2_AK="${USER2_ACCESS_KEY:-$(rand 'A-Z0-9' 20)}"; U2_SK="${USER2_SECRET_KEY:-$(rand 'A-Za-z0-9' 40)}"

  local attempt rc t_cluster
  for attempt in 1 2 3 4 5; do
    if [ $auto_ports = 1 ]; then
      MON_PORT=$(pick_port 20000 12000)
      RGW_PORT=$(pick_port 20000 12000 "$MON_PORT")
    else
      [ -n "$RGW_PORT" ] || RGW_PORT=$(pick_port 20000 12000 "$MON_PORT")
      [ -n "$MON_PORT" ] || MON_PORT=$(pick_port 20000 12000 "$RGW_PORT")
      port_taken "$MON_PORT" && die "port $MON_PORT (mon) is already in use"
      port_taken "$RGW_PORT" && die "port $RGW_PORT (radosgw) is already in use"
    fi
    t_cluster=$(now)
    set +e
    # fd 3 (the real stdout) closed inside: a daemon that inherited it would keep the caller's pipe open forever.
    ( exec 3>&-; set -e; start_cluster )
    rc=$?
    set -e
    [ $rc = 0 ] && break
    stop_daemons "$DIR"
    if [ $rc = $RETRY_PORTS ] && [ $auto_ports = 1 ] && [ $attempt -lt 5 ]; then
      log "retrying with other ports (attempt $((attempt + 1)))"
      continue
    fi
    die "start failed (ports rgw $RGW_PORT, mon $MON_PORT); logs are in $DIR/log"
  done
  log "cluster started in $(elapsed "$t_cluster")s; ready after $(elapsed "$t_all")s in all"
  trap - INT TERM HUP

  env_lines "$DIR" > "$DIR/env.tmp"
  mv "$DIR/env.tmp" "$DIR/env"
  cat "$DIR/env" >&3
}

# ---------------------------------------------------------------------------------------------------------------- stop
stop_pidfile() {
  local f="$1" conf="$2" pid name
  [ -f "$f" ] || return 0
  name=$(basename "$f" .pid); pid=$(pid_of "$f")
  if ! alive "$pid"; then
    rm -f "$f"; return 0
  fi
  # A recycled pid belongs to someone else: signal only a process started with this DIR's ceph.conf.
  if ! tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$conf"; then
    log "$name: pid $pid is not ours (its command line lacks $conf); leaving it alone"
    rm -f "$f"; return 0
  fi
  if terminate_pid "$pid" "$STOP_TIMEOUT" "$name"; then
    log "stopped $name (pid $pid)"
  else
    log "$name: pid $pid is still there after SIGKILL"
  fi
  STOPPED_PIDS+=("$pid")
  rm -f "$f"
}

# The daemons' parent is init; where init reaps late (some container inits poll every ~2 s), an exited daemon lingers
# as a zombie that `pgrep` still lists. Wait a little for it to vanish so "nothing left behind" holds when stop returns.
wait_reaped() {
  local deadline=$(( $(date +%s%N) / 1000000 + 3000 )) pid left
  while :; do
    left=0
    for pid in "${STOPPED_PIDS[@]}"; do [ -e "/proc/$pid" ] && left=1; done
    [ $left = 0 ] && return 0
    [ $(( $(date +%s%N) / 1000000 )) -lt $deadline ] || { log "exited daemons not yet reaped by init: ${STOPPED_PIDS[*]}"; return 0; }
    sleep 0.05
  done
}

stop_daemons() { # stop_daemons DIR: radosgw first (it talks to the OSD and mon), then OSDs, then the mon
  local dir="$1" f
  stop_pidfile "$dir/run/client.rgw.a.pid" "$dir/ceph.conf"
  for f in "$dir"/run/osd.*.pid; do [ -e "$f" ] && stop_pidfile "$f" "$dir/ceph.conf"; done
  stop_pidfile "$dir/run/mon.a.pid" "$dir/ceph.conf"
  [ ${#STOPPED_PIDS[@]} -eq 0 ] || wait_reaped
  return 0
}

cmd_stop() {
  local dir_arg="${1:-}" purge=0
  [ "${2:-}" = "--purge" ] && purge=1
  if [ "$dir_arg" = "--purge" ]; then dir_arg=""; purge=1; fi
  [ -n "$dir_arg" ] || dir_arg=$(default_dir)
  [ -d "$dir_arg" ] || { log "$dir_arg does not exist; nothing to stop"; return 0; }
  local dir t; dir=$(resolve_dir "$dir_arg"); t=$(now)
  stop_daemons "$dir"
  log "stopped in $(elapsed "$t")s"
  if [ $purge = 1 ]; then
    if [ -e "$dir/.local-s3" ]; then
      rm -rf "$dir"
      log "removed $dir"
    else
      log "not removing $dir: it has no .local-s3 marker, so this script did not create it"
    fi
  fi
}

# -------------------------------------------------------------------------------------------------------------- status
cmd_status() {
  local dir_arg="${1:-}"; [ -n "$dir_arg" ] || dir_arg=$(default_dir)
  if [ ! -f "$dir_arg/env" ]; then echo "LOCAL_S3_STATUS=stopped" >&3; return 1; fi
  local dir; dir=$(resolve_dir "$dir_arg")
  local f pid up=0 down=0 endpoint
  for f in "$dir"/run/client.rgw.a.pid "$dir"/run/osd.*.pid "$dir"/run/mon.a.pid; do
    pid=$(pid_of "$f")
    if alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/ceph.conf"; then
      up=$((up + 1))
    else
      down=$((down + 1))
    fi
  done
  endpoint=$(sed -n 's/^RGW_ENDPOINT=//p' "$dir/env")
  cat "$dir/env" >&3
  if [ $down = 0 ] && [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$endpoint/" 2>/dev/null)" = 200 ]; then
    echo "LOCAL_S3_STATUS=running" >&3; return 0
  fi
  if [ $up = 0 ]; then echo "LOCAL_S3_STATUS=stopped" >&3; else echo "LOCAL_S3_STATUS=partial" >&3; fi
  return 1
}

# ---------------------------------------------------------------------------------------------------------------- main
# Keep the real stdout on fd 3 for the KEY=value lines; everything else (tools, apt-get) goes to stderr.
exec 3>&1 1>&2
cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  status) cmd_status "$@" ;;
  -h|--help|help) usage ;;
  *) log "unknown command '${cmd}'"; usage ;;
esac
