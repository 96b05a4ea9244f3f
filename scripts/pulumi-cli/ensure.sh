#!/usr/bin/env bash
# ensure.sh — a real Pulumi CLI for the demo, the CLI test tier and the benchmarks, one command away.
#
# Usage: bash scripts/pulumi-cli/ensure.sh     prints ROOT on stdout (only that): ROOT/bin holds pulumi,
#                                              pulumi-language-nodejs and pulumi-resource-pulumi-nodejs (the layout
#                                              PulumiCommand.get({ root }) of @pulumi/pulumi/automation expects), and
#                                              the language hosts for other languages: pulumi-language-python with
#                                              pulumi-language-python-exec, pulumi-language-yaml, pulumi-language-go.
#                                              Progress goes to stderr.
#
# 1. When `pulumi` and `pulumi-language-nodejs` are both on PATH (how users run Pulumi), ROOT/bin links to them, and
#    to the other languages' hosts where they are on PATH too; those that are not are built as in 2 (Go needed; without
#    it they are left out, with a warning).
# 2. Otherwise it builds the pinned versions below from the Go module proxy into ROOT = .cache/pulumi-cli/<pins>
#    (git-ignored), once: later runs reuse the binaries and need no network (Go's module cache holds the sources).
#    The first build downloads ~2 GB of Go modules and compiles for several minutes on 2 cores (docs/pulumi-cli.md).
# Either way ROOT/bin gets this project's pulumi-resource-pulumi-nodejs, the dynamic-provider plugin, unless the CLI on
# PATH has one beside it. PULUMI_CLI_FROM_SOURCE=1 skips step 1.
#
# Other languages (docs/pulumi-cli.md, "Language hosts for Python, YAML and Go"):
# - Python: the program needs the Pulumi Python SDK; `bash scripts/pulumi-cli/python-venv.sh` makes (once) and prints a
#   venv with it. Run the CLI with that venv ACTIVATED: PATH="$venv/bin:$ROOT/bin:$PATH" VIRTUAL_ENV="$venv" (the v3.68
#   host ignores `runtime.options.virtualenv` under this CLI, and runs `python` from PATH).
# - YAML: nothing more. Go: the program is compiled with the `go` on PATH, and its modules come from the proxy.
set -euo pipefail

# The pinned versions: the one place they are recorded (the go.mod files beside this script must agree).
PULUMI_VERSION=v3.274.1          # github.com/pulumi/pulumi/pkg/v3 and sdk/v3: the `pulumi` CLI and engine
LANGUAGE_NODEJS_VERSION=v3.68.0  # github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs (see its go.mod)
LANGUAGE_PYTHON_VERSION=v3.68.0  # github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python (language-python/)
LANGUAGE_GO_VERSION=v3.62.0      # github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go (language-go/go.mod says why)
LANGUAGE_YAML_VERSION=v1.25.0    # github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml (language-yaml/)
# shellcheck disable=SC2034 # python-venv.sh reads this line (sed): the `pulumi` package from PyPI in its venv
PULUMI_PYTHON_SDK_VERSION=3.272.0

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"
PLUGIN="$HERE/pulumi-resource-pulumi-nodejs"
SDK_VERSION_VAR=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
YAML_VERSION_VAR=github.com/pulumi/pulumi-yaml/pkg/version.Version
log() { printf '[pulumi-cli] %s\n' "$*" >&2; }

link_plugin() { # $1: bin dir
    if [ ! -x "$1/pulumi-resource-pulumi-nodejs" ] || [ -L "$1/pulumi-resource-pulumi-nodejs" ]; then
        ln -sfn "$PLUGIN" "$1/pulumi-resource-pulumi-nodejs"
    fi
}

from_path=0
if [ "${PULUMI_CLI_FROM_SOURCE:-0}" != 1 ] && command -v pulumi >/dev/null && command -v pulumi-language-nodejs >/dev/null; then
    from_path=1
    root="$REPO/.cache/pulumi-cli/from-path"
    bin="$root/bin"
    mkdir -p "$bin"
    ln -sfn "$(command -v pulumi)" "$bin/pulumi"
    ln -sfn "$(command -v pulumi-language-nodejs)" "$bin/pulumi-language-nodejs"
    beside="$(dirname "$(readlink -f "$(command -v pulumi)")")/pulumi-resource-pulumi-nodejs"
    if [ -x "$beside" ]; then ln -sfn "$beside" "$bin/pulumi-resource-pulumi-nodejs"; else link_plugin "$bin"; fi
    log "using the CLI on PATH: $(command -v pulumi) ($("$bin/pulumi" version 2>/dev/null || echo 'version unknown'))"
else
    root="$REPO/.cache/pulumi-cli/pulumi-$PULUMI_VERSION-nodejs-$LANGUAGE_NODEJS_VERSION"
    bin="$root/bin"
    mkdir -p "$bin"
fi

# One build at a time into ROOT: two concurrent callers (two test tiers, CI's two legs) would otherwise both compile
# into ROOT/bin. The second waits for the lock, then finds the binaries built and returns them. The kernel drops the
# lock when its holder exits, even killed; a killed build leaves only *.partial files, which the next build overwrites.
lock="$root/build.lock"
if command -v flock >/dev/null; then
    exec 9>"$lock"
    if ! flock -n 9; then
        log "another ensure.sh is building or linking this CLI (it holds $lock); waiting for it"
        waited=$SECONDS
        flock 9
        log "lock acquired after $((SECONDS - waited)) s"
    fi
else
    log "flock (util-linux) not found: building without the lock that keeps concurrent builds apart"
fi

# Is ROOT/bin/$1 built at version $2? The versions of pulumi and pulumi-language-nodejs are in ROOT's name; the other
# hosts (which ROOT's name does not pin) record theirs in ROOT/bin/.version-<name>, so changing a pin rebuilds them.
current() { # $1: binary name, $2: version
    [ -x "$bin/$1" ] || return 1
    case "$1" in pulumi | pulumi-language-nodejs) return 0 ;; esac
    [ "$(cat "$bin/.version-$1" 2>/dev/null)" = "$2" ]
}

# On PATH (step 1 only): link the other languages' hosts found there, unless they resolve into ROOT/bin itself.
on_path() { # $1: binary name; prints its path
    local found
    found="$(command -v "$1" 2>/dev/null)" || return 1
    [ "$(dirname "$(readlink -f "$found")")" != "$(readlink -f "$bin")" ] || return 1
    echo "$found"
}

# What has to be built (binary names).
todo=()
[ "$from_path" = 1 ] || {
    current pulumi-language-nodejs "$LANGUAGE_NODEJS_VERSION" || todo+=(pulumi-language-nodejs)
    current pulumi "$PULUMI_VERSION" || todo+=(pulumi)
}
for host in python go yaml; do
    name="pulumi-language-$host"
    if [ "$from_path" = 1 ] && found="$(on_path "$name")"; then
        if [ "$host" = python ]; then
            # The v3.68-style host runs pulumi-language-python-exec from PATH; newer hosts have no such file.
            exec_found="$(on_path pulumi-language-python-exec || true)"
            if [ -n "$exec_found" ]; then ln -sfn "$exec_found" "$bin/pulumi-language-python-exec"; fi
        fi
        ln -sfn "$found" "$bin/$name"
        rm -f "$bin/.version-$name"
        continue
    fi
    case "$host" in
        python) version=$LANGUAGE_PYTHON_VERSION ;;
        go) version=$LANGUAGE_GO_VERSION ;;
        yaml) version=$LANGUAGE_YAML_VERSION ;;
    esac
    if [ -L "$bin/$name" ]; then rm -f "$bin/$name"; fi # a link to a host no longer on PATH
    current "$name" "$version" || todo+=("$name")
    if [ "$host" = python ] && [ ! -x "$bin/pulumi-language-python-exec" ]; then todo+=(pulumi-language-python-exec); fi
done

if [ "${#todo[@]}" -gt 0 ] && ! command -v go >/dev/null; then
    if [ "$from_path" = 1 ]; then
        log "Go is not installed: left out of $bin (put them on PATH, or install Go 1.26 or later): ${todo[*]}"
        todo=()
    else
        log "Go 1.26 or later is needed to build ${todo[*]} (https://go.dev/dl), or put pulumi and pulumi-language-nodejs on PATH"
        exit 1
    fi
fi

# A failed build ends this script, except in step 1, where it only leaves that language out (as a missing Go does).
give_up() {
    if [ "$from_path" = 1 ]; then log "$1: left out of $bin"; return 0; fi
    log "$1"; exit 1
}

build() { # $1: module dir, $2: main package, $3: output name, $4: version, $5: the Go variable stamped with it, $6: its
          # value (default: $4)
    local out="$bin/$3"
    log "building $3 $4 from the Go module proxy (first time only: module download and compile take up to minutes)"
    local started=$SECONDS
    # go.sum pins every module by hash; downloads land in Go's module cache, which later builds share.
    rm -f "$out.partial"
    (cd "$1" && go build -buildvcs=false -o "$out.partial" -ldflags "-s -w -X $5=${6:-$4}" "$2" 2>&1 |
        while IFS= read -r line; do log "  $line"; done)
    [ -x "$out.partial" ] || { give_up "building $3 failed"; return 0; }
    mv -f "$out.partial" "$out"
    case "$3" in pulumi | pulumi-language-nodejs) ;; *) echo "$4" > "$bin/.version-$3" ;; esac
    log "built $3 in $((SECONDS - started)) s"
}

# The Python host runs this script (a file of sdk/v3's python/cmd/ folder, read from Go's module cache) from PATH.
copy_python_exec() {
    local dir
    dir="$(cd "$HERE/language-python" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)" || true
    [ -f "$dir/python/cmd/pulumi-language-python-exec" ] ||
        { give_up "no pulumi-language-python-exec in sdk/v3 $LANGUAGE_PYTHON_VERSION's python/cmd/ ($dir)"; return 0; }
    install -m 0755 "$dir/python/cmd/pulumi-language-python-exec" "$bin/pulumi-language-python-exec.partial"
    mv -f "$bin/pulumi-language-python-exec.partial" "$bin/pulumi-language-python-exec"
}

wanted() { local t; for t in ${todo[@]+"${todo[@]}"}; do [ "$t" != "$1" ] || return 0; done; return 1; }

# Progress while the (silent) compiler runs: one line every 30 s, on stderr (stdout carries only the answer).
if [ "${#todo[@]}" -gt 0 ]; then
    # 9>&-: the ticker (and its sleep, which outlives a kill of the subshell by up to 30 s) must not hold the lock.
    ( while sleep 30; do log "  still building ($(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1) in Go's module cache)"; done ) >&2 9>&- &
    ticker=$!
    trap 'kill $ticker 2>/dev/null || true' EXIT
    all_started=$SECONDS
fi

if wanted pulumi-language-nodejs; then
    build "$HERE/language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs pulumi-language-nodejs "$LANGUAGE_NODEJS_VERSION" "$SDK_VERSION_VAR"
fi
if wanted pulumi; then
    build "$HERE/cli" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi pulumi "$PULUMI_VERSION" "$SDK_VERSION_VAR"
fi
if wanted pulumi-language-python; then
    build "$HERE/language-python" github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python pulumi-language-python "$LANGUAGE_PYTHON_VERSION" "$SDK_VERSION_VAR"
fi
if wanted pulumi-language-python || wanted pulumi-language-python-exec; then copy_python_exec; fi
if wanted pulumi-language-go; then
    build "$HERE/language-go" github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go pulumi-language-go "$LANGUAGE_GO_VERSION" "$SDK_VERSION_VAR"
fi
if wanted pulumi-language-yaml; then
    build "$HERE/language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml pulumi-language-yaml "$LANGUAGE_YAML_VERSION" "$YAML_VERSION_VAR" "${LANGUAGE_YAML_VERSION#v}"
fi
if [ "${#todo[@]}" -gt 0 ]; then log "${todo[*]}: done in $((SECONDS - all_started)) s"; fi
[ "$from_path" = 1 ] || link_plugin "$bin"
exec 9>&- # releases the lock: ROOT/bin is complete
if [ "$from_path" = 0 ]; then log "pulumi $("$bin/pulumi" version) ready in $bin"; fi
echo "$root"
