#!/usr/bin/env bash
# package-add.sh — this project's `pulumi package add <plugin-dir>`: generates the s3-bucket-policy SDK for a Pulumi
# program and wires it in (docs/languages.md).
#
# Usage: bash scripts/package-add.sh <program-dir> <language> [<plugin-dir>]
#   language:   python | go | nodejs | yaml
#   plugin-dir: holds pulumi-resource-s3-bucket-policy and schema.json (default: <repo>/provider/plugin)
#
# - python, go, nodejs: generates the SDK from <plugin-dir>/schema.json into <program-dir>/sdks/s3-bucket-policy
#   (replaced if there) with sdkgen (scripts/pulumi-cli/sdkgen), which it builds into
#   .cache/pulumi-cli/sdkgen/<pkg/v3 version>/ the first time (Go needed; offline afterwards).
#   python: installs the SDK into $VIRTUAL_ENV when that is set, else prints the pip command.
#   go:     adds a require and a replace (./sdks/s3-bucket-policy) for the SDK's module to <program-dir>/go.mod.
#   nodejs: prints the npm command (npm install ./sdks/s3-bucket-policy).
#   yaml:   no SDK: a YAML program names the resource by its token, s3-bucket-policy:index:BucketPolicy.
# - Every language: appends to <program-dir>/Pulumi.yaml a `plugins: providers:` entry naming <plugin-dir>, unless
#   an entry for the package is there (its path is kept); a Pulumi.yaml with another `plugins:` section is left alone
#   and the script fails.
# Progress goes to stderr.
set -euo pipefail

PACKAGE=s3-bucket-policy
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/.." && pwd -P)"
SDKGEN_SRC="$REPO/scripts/pulumi-cli/sdkgen"
log() { printf '[package-add] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ $# -lt 2 ] || [ $# -gt 3 ]; then sed -n '4,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
[ -d "$1" ] || die "program directory $1 not found"
program="$(cd "$1" && pwd -P)"
language="$2"
plugin_dir="${3:-$REPO/provider/plugin}"
[ -d "$plugin_dir" ] || die "plugin directory $plugin_dir not found"
plugin_dir="$(cd "$plugin_dir" && pwd -P)"
case "$language" in
    python | go | nodejs | yaml) ;;
    *) die "language '$language': expected python, go, nodejs or yaml" ;;
esac
project="$program/Pulumi.yaml"
[ -f "$project" ] || die "$project not found (is $program a Pulumi program?)"
if [ "$language" = go ] && [ ! -f "$program/go.mod" ]; then die "$program/go.mod not found: run 'go mod init' there first"; fi
[ -x "$plugin_dir/pulumi-resource-$PACKAGE" ] ||
    log "warning: $plugin_dir/pulumi-resource-$PACKAGE is missing or not executable: pulumi will need it to run the program"

# Pulumi.yaml: decide before generating anything, so that a refusal changes nothing.
name_line="    - name: $PACKAGE"
path_line="      path: $plugin_dir"
add_plugins_block=1
kept_path=""
if grep -q '^plugins:' "$project"; then
    if grep -qxF -- "$name_line" "$project"; then
        add_plugins_block=0 # a previous run's entry, or the program's own (its path may be relative: kept as it is)
        grep -qxF -- "$path_line" "$project" || kept_path=$(grep -A1 -xF -- "$name_line" "$project" | sed -n 's/^ *path: *//p')
    else
        die "$project already has a 'plugins:' section: add this entry under it by hand, then run again:
plugins:
  providers:
$name_line
$path_line"
    fi
fi

# sdkgen, built once per pkg/v3 version (rebuilt when its sources are newer than the binary).
sdkgen_bin() {
    local version dir out src started ticker
    version="$(awk '{ for (i = 1; i < NF; i++) if ($i == "github.com/pulumi/pulumi/pkg/v3") { print $(i + 1); exit } }' \
        "$SDKGEN_SRC/go.mod")"
    [ -n "$version" ] || die "no github.com/pulumi/pulumi/pkg/v3 require line in $SDKGEN_SRC/go.mod"
    dir="$REPO/.cache/pulumi-cli/sdkgen/$version"
    out="$dir/sdkgen"
    mkdir -p "$dir"
    if [ -x "$out" ]; then
        local stale=0
        for src in "$SDKGEN_SRC/main.go" "$SDKGEN_SRC/go.mod" "$SDKGEN_SRC/go.sum"; do
            [ "$src" -nt "$out" ] && stale=1
        done
        if [ "$stale" = 0 ]; then echo "$out"; return 0; fi
        log "sdkgen's sources changed since $out was built: rebuilding"
    fi
    command -v go >/dev/null || die "Go 1.26 or later is needed to build sdkgen (https://go.dev/dl)"
    log "building sdkgen (pulumi pkg/v3 $version codegen) into $dir (first time only; Go's module cache is shared with scripts/pulumi-cli/ensure.sh)"
    started=$SECONDS
    # >&2: the ticker (and its sleep) must not hold the stdout that the caller reads to its end.
    ( while sleep 30; do log "  still building sdkgen"; done ) >&2 &
    ticker=$!
    # go.sum pins every module; a killed build leaves only sdkgen.partial, which the next build overwrites.
    if ! (cd "$SDKGEN_SRC" && go build -buildvcs=false -o "$out.partial" -ldflags "-s -w" . 2>&1 |
        while IFS= read -r line; do log "  $line"; done; exit "${PIPESTATUS[0]}"); then
        kill "$ticker" 2>/dev/null || true
        die "building sdkgen failed"
    fi
    kill "$ticker" 2>/dev/null || true
    mv "$out.partial" "$out"
    log "built sdkgen in $((SECONDS - started)) s"
    echo "$out"
}

sdk="$program/sdks/$PACKAGE"
if [ "$language" != yaml ]; then
    [ -f "$plugin_dir/schema.json" ] || die "$plugin_dir/schema.json not found"
    gen="$(sdkgen_bin)"
    mkdir -p "$program/sdks"
    "$gen" --schema "$plugin_dir/schema.json" --language "$language" --out "$sdk" --force
fi

case "$language" in
    python)
        if [ -n "${VIRTUAL_ENV:-}" ]; then
            [ -x "$VIRTUAL_ENV/bin/python" ] || die "VIRTUAL_ENV=$VIRTUAL_ENV has no bin/python"
            log "installing $sdk into $VIRTUAL_ENV"
            "$VIRTUAL_ENV/bin/python" -m pip install --quiet "$sdk" >&2
        else
            log "install the SDK into the program's virtualenv: <venv>/bin/python -m pip install $sdk"
            log "  (or add the line 'sdks/$PACKAGE' to $program/requirements.txt)"
        fi
        ;;
    go)
        module="$(awk '$1 == "module" { print $2; exit }' "$sdk/go.mod")"
        [ -n "$module" ] || die "no module line in $sdk/go.mod"
        (cd "$program" && go mod edit \
            -require="$module@v0.0.0-00010101000000-000000000000" \
            -replace="$module=./sdks/$PACKAGE")
        log "go.mod requires $module, replaced by ./sdks/$PACKAGE; import the package from $(find "$sdk" -mindepth 2 -name doc.go -printf '%h\n' | head -n 1 | sed "s|^$sdk|$module|"),"
        log "  then run 'go mod tidy' in $program"
        ;;
    nodejs)
        log "add the SDK to the program: cd $program && npm install ./sdks/$PACKAGE"
        ;;
    yaml)
        log "YAML needs no SDK: name the resource 'type: $PACKAGE:index:BucketPolicy'"
        ;;
esac

if [ "$add_plugins_block" = 1 ]; then
    # Append to a file that may not end in a newline.
    if [ -s "$project" ] && [ -n "$(tail -c 1 "$project")" ]; then echo >>"$project"; fi
    printf 'plugins:\n  providers:\n%s\n%s\n' "$name_line" "$path_line" >>"$project"
    log "$project: added the provider plugin $plugin_dir"
else
    log "$project already names the provider plugin: ${kept_path:-$plugin_dir}"
fi
