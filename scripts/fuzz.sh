#!/usr/bin/env bash
# Fuzz the readers and the template validator for a bounded time each (not run in CI).
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# Crashes land in fuzz/artifacts/<target>/; turn each into a fixture under
# tests/fixtures/hostile/ with a test in tests/hostile_cli.rs, then fix the reader.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
# cargo-fuzz wants nightly flags; the stable toolchain accepts them with RUSTC_BOOTSTRAP.
export RUSTC_BOOTSTRAP=1
seed() {  # seed corpora from the fixtures
  local target=$1; shift
  mkdir -p "fuzz/corpus/$target"
  for f in "$@"; do [ -f "$f" ] && cp -n "$f" "fuzz/corpus/$target/" || true; done
}
seed csv_reader fixtures/*.csv fixtures/*.tsv fixtures/bad/*.csv tests/fixtures/hostile/*.csv
seed sheet_reader fixtures/*.xlsx fixtures/*.ods examples/*.xlsx tests/fixtures/hostile/*.xlsx
seed template_validator fixtures/templates/*
for target in csv_reader sheet_reader template_validator; do
  echo "== $target: ${seconds}s"
  (cd fuzz && cargo fuzz run --sanitizer none "$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20)
done
echo "no crash found"
