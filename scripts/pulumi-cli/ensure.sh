#!/usr/bin/env bash
# ensure.sh — a real Pulumi CLI for the demo, the CLI test tier and the benchmarks, one command away.
#
# Usage: bash scripts/pulumi-cli/ensure.sh     prints ROOT on stdout: ROOT/bin holds pulumi, pulumi-language-nodejs and
#                                              pulumi-resource-pulumi-nodejs (the layout PulumiCommand.get({ root }) of
#                                              @pulumi/pulumi/automation expects). Progress goes to stderr.
#
# 1. When `pulumi` and `pulumi-language-nodejs` are both on PATH (how users run Pulumi), ROOT/bin links to them.
# 2. Otherwise it builds the pinned versions below from the Go module proxy into ROOT = .cache/pulumi-cli/<pins>
#    (git-ignored), once: later runs reuse the binaries and need no network. The first build downloads ~2 GB of Go
#    modules and compiles for several minutes on 2 cores (docs/pulumi-cli.md).
# Either way ROOT/bin gets this project's pulumi-resource-pulumi-nodejs, the dynamic-provider plugin, unless the CLI on
# PATH has one beside it. PULUMI_CLI_FROM_SOURCE=1 skips step 1.
set -euo pipefail

# The pinned versions: the one place they are recorded (the go.mod files beside this script must agree).
PULUMI_VERSION=v3.274.1          # github.com/pulumi/pulumi/pkg/v3 and sdk/v3: the `pulumi` CLI and engine
LANGUAGE_NODEJS_VERSION=v3.68.0  # github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs (see its go.mod)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/../.." && pwd -P)"
PLUGIN="$HERE/pulumi-resource-pulumi-nodejs"
log() { printf '[pulumi-cli] %s\n' "$*" >&2; }

link_plugin() { # $1: bin dir
    if [ ! -x "$1/pulumi-resource-pulumi-nodejs" ] || [ -L "$1/pulumi-resource-pulumi-nodejs" ]; then
        ln -sfn "$PLUGIN" "$1/pulumi-resource-pulumi-nodejs"
    fi
}

if [ "${PULUMI_CLI_FROM_SOURCE:-0}" != 1 ] && command -v pulumi >/dev/null && command -v pulumi-language-nodejs >/dev/null; then
    root="$REPO/.cache/pulumi-cli/from-path"
    mkdir -p "$root/bin"
    ln -sfn "$(command -v pulumi)" "$root/bin/pulumi"
    ln -sfn "$(command -v pulumi-language-nodejs)" "$root/bin/pulumi-language-nodejs"
    beside="$(dirname "$(readlink -f "$(command -v pulumi)")")/pulumi-resource-pulumi-nodejs"
    if [ -x "$beside" ]; then ln -sfn "$beside" "$root/bin/pulumi-resource-pulumi-nodejs"; else link_plugin "$root/bin"; fi
    log "using the CLI on PATH: $(command -v pulumi) ($("$root/bin/pulumi" version 2>/dev/null || echo 'version unknown'))"
    echo "$root"
    exit 0
fi

root="$REPO/.cache/pulumi-cli/pulumi-$PULUMI_VERSION-nodejs-$LANGUAGE_NODEJS_VERSION"
bin="$root/bin"
mkdir -p "$bin"

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

build() { # $1: module dir, $2: main package, $3: output name, $4: version stamped into the binary
    local out="$bin/$3"
    if [ -x "$out" ]; then return 0; fi
    command -v go >/dev/null || { log "Go 1.26 or later is needed to build $3 (https://go.dev/dl), or put pulumi and pulumi-language-nodejs on PATH"; exit 1; }
    log "building $3 $4 from the Go module proxy (first time only: module download and compile take minutes)"
    local started=$SECONDS
    # go.sum pins every module by hash; downloads land in Go's module cache, which later builds share.
    (cd "$1" && go build -buildvcs=false -o "$out.partial" \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$4" "$2" 2>&1 |
        while IFS= read -r line; do log "  $line"; done)
    [ -x "$out.partial" ] || { log "building $3 failed"; exit 1; }
    mv "$out.partial" "$out"
    log "built $3 in $((SECONDS - started)) s"
}

# Progress while the (silent) compiler runs: one line every 30 s, on stderr (stdout carries only the answer).
if [ ! -x "$bin/pulumi" ] || [ ! -x "$bin/pulumi-language-nodejs" ]; then
    # 9>&-: the ticker (and its sleep, which outlives a kill of the subshell by up to 30 s) must not hold the lock.
    ( while sleep 30; do log "  still building ($(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1) in Go's module cache)"; done ) >&2 9>&- &
    ticker=$!
    trap 'kill $ticker 2>/dev/null || true' EXIT
fi

build "$HERE/language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs pulumi-language-nodejs "$LANGUAGE_NODEJS_VERSION"
build "$HERE/cli" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi pulumi "$PULUMI_VERSION"
link_plugin "$bin"
exec 9>&- # releases the lock: ROOT/bin is complete
log "pulumi $("$bin/pulumi" version) ready in $bin"
echo "$root"
