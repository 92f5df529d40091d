#!/usr/bin/env bash
# Runs one fuzz target as the runs in fuzz/README.md were made: a release
# build, one worker, until 10 million executions or SECONDS (default 1200)
# have passed, whichever comes first. The corpus is fuzz/corpus/TARGET
# (made from the seeds and the repository's own files); findings go to
# fuzz/artifacts/TARGET. libFuzzer's own log is fuzz/fuzz-0.log.
#
#   fuzz/run.sh TARGET [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
target=$1
seconds=${2:-1200}
corpus=corpus/$target
mkdir -p "$corpus"
case $target in
    csv_loader) cp ../tests/fixtures/*.csv "$corpus"/ ;;
    scenario_yaml | run)
        # The bundled scenarios without their comments: the same keys, a
        # tenth of the bytes.
        for f in ../scenarios/*.yaml; do
            sed -e '/^\s*#/d' -e 's/\s\+#.*$//' "$f" >"$corpus/$(basename "$f")"
        done
        ;;
esac
seeds=()
if [ -d "seeds/$target" ]; then seeds=("seeds/$target"); fi
# The engine's draws run on rayon: one thread, so that one fuzzer is one core.
RAYON_NUM_THREADS=1 cargo +nightly fuzz run -O "$target" "$corpus" "${seeds[@]}" -- \
    -jobs=1 -workers=1 -runs=10000000 -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1
