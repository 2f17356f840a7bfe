#!/usr/bin/env bash
# Every module feature of every binary must build alone: the products differ only by composition.
set -euo pipefail
cd "$(dirname "$0")/.."
for manifest in bins/*/Cargo.toml; do
    bin="$(basename "$(dirname "$manifest")")"
    # Feature lines look like: schedule = ["dep:palestra-schedule"]
    features="$(sed -n '/^\[features\]/,/^\[/p' "$manifest" | grep -E '^[a-z0-9_-]+ = \["dep:' | cut -d' ' -f1)"
    echo "==> $bin without modules"
    cargo check -q -p "$bin" --no-default-features
    for feature in $features; do
        echo "==> $bin --features $feature"
        cargo check -q -p "$bin" --no-default-features --features "$feature"
    done
done
