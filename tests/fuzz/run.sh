#!/bin/sh
# Runs the libFuzzer targets built by `make fuzz-build`, each for SECONDS
# seconds, and prints one line per target: runs, exec/s, coverage.
#   tests/fuzz/run.sh BUILD_DIR SECONDS [target ...]
# First every known reproducer tests/fuzz/crashes/<target>-<n> is replayed
# (a regression check: each must pass once its bug is fixed). New corpus
# entries go to BUILD_DIR/corpus/<target> (the seeds in
# tests/fuzz/corpus/<target> are only read). A new crash, leak, sanitizer
# report or hang is saved as BUILD_DIR/crashes/<target>-<n> (copy it to
# tests/fuzz/crashes/ to keep it), its log's tail is printed and the
# script exits 1 after running the other targets.
set -u
B=${1:?build dir}
SECS=${2:?seconds}
shift 2
HERE=$(dirname "$0")
TARGETS=${*:-$(cd "$HERE" && ls fuzz_*.c | sed 's/\.c$//')}
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$B/crashes"
failed=""
for t in $TARGETS; do
	t=${t#fuzz_}
	bin="$B/fuzz_$t"
	[ -x "$bin" ] || { echo "fuzz_$t: not built ($bin)"; failed="$failed $t"; continue; }
	work="$B/corpus/$t"
	art="$B/artifacts/$t"
	rm -rf "$art"
	mkdir -p "$work" "$art" "$HERE/corpus/$t"
	log="$B/fuzz_$t.log"
	known=$(ls "$HERE/crashes/$t"-* 2>/dev/null)
	if [ -n "$known" ]; then
		if ! "$bin" $known >"$B/fuzz_$t.replay.log" 2>&1; then
			echo "fuzz_$t: FAILED: a known reproducer still fails: $known"
			grep -E 'ERROR: |runtime error|Assertion|SUMMARY' "$B/fuzz_$t.replay.log" | head -3 | sed 's/^/  /'
			failed="$failed $t"
			continue
		fi
	fi
	"$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$art/" "$work" "$HERE/corpus/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
	if [ "$rc" -eq 0 ]; then
		echo "fuzz_$t: ${SECS} s, ${runs:-?} runs, ${speed:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}: ok"
	else
		echo "fuzz_$t: FAILED (exit $rc) after ${runs:-?} runs; log $log"
		n=1
		for a in "$art"/*; do
			[ -f "$a" ] || continue
			while [ -e "$B/crashes/$t-$n" ]; do n=$((n + 1)); done
			cp "$a" "$B/crashes/$t-$n"
			echo "  reproducer: $B/crashes/$t-$n (run: $bin $B/crashes/$t-$n)"
		done
		grep -E 'ERROR: |runtime error|Assertion|SUMMARY' "$log" | head -5 | sed 's/^/  /'
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed"
	exit 1
fi
echo "fuzz: all targets ran clean"
