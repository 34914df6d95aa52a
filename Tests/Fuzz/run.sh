#!/usr/bin/env bash
# Builds the libFuzzer targets (this package, kept out of the normal build) and runs each one for a
# bounded time on its committed seed corpus. Usage:
#   Tests/Fuzz/run.sh [SECONDS_PER_TARGET (default 60)] [TARGET ...]
# Targets: FuzzCSVReader FuzzExactDecimal FuzzJournal. New inputs that grow coverage are written to
# Tests/Fuzz/.work/<target>/ (not committed); a crash leaves crash-* files there, and the script
# exits non-zero. See docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzCSVReader FuzzExactDecimal FuzzJournal)

# The main package under a fixed name (the dependency's identity), whatever the clone is called.
mkdir -p .root
ln -sfn ../../.. .root/PortfolioLedger

# Every module (ours and BigInt) is built with AddressSanitizer and libFuzzer's coverage
# instrumentation. `-sanitize=fuzzer` is not used: it would also link libFuzzer's `main` into the
# build-time tool of the migrations plugin. Instead each fuzz target has its own `main`
# (FuzzSupport.runFuzzer) and links `libclang_rt.fuzzer_no_main` from the toolchain. lld, because
# gold fails on this ASan link.
toolchain="$(dirname "$(readlink -f "$(command -v swift)")")/.."
nomain="$(ls "$toolchain"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -1)"
swift build -c debug \
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xswiftc -use-ld=lld -Xlinker "$nomain" -Xlinker -lstdc++ 2>&1 | tail -3

status=0
for target in "${targets[@]}"; do
    work=".work/$target"
    mkdir -p "$work"
    echo "== $target: ${seconds} s"
    # Inputs found are kept in $work; the committed seeds are read too but never written.
    if ! ASAN_OPTIONS=detect_leaks=0 ".build/debug/$target" "$work" "Corpus/$target" \
        -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$work/" -print_final_stats=1 2>"$work/log.txt"; then
        status=1
        echo "!! $target failed: see $work/log.txt and $work/crash-*"
    fi
    grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)|SUMMARY|ERROR|Fatal error" "$work/log.txt" || true
done
exit $status
