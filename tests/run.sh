#!/bin/sh
# Run every test dasv has and end with one line: "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR
#   unit tests: criterion binaries BUILD/tests/test_* (one count per Test())
#   fuzz seeds: BUILD/fuzz/fuzz_X replayed over tests/fuzz/corpus/X (one count per target)
#   end to end: tests/e2e/test_*.sh in tmux (one count per PASS:/FAIL: line)
set -u
build=${1:-build/san}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" --jobs 2 >"$log" 2>&1
	rc=$?
	line=$(grep 'Synthesis:' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL: $name did not finish (exit $rc)"
		tail -n 20 "$log"
		failed=$((failed + 1))
		continue
	fi
	p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
	c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
	passed=$((passed + p))
	failed=$((failed + f + c))
	if [ $((f + c)) -gt 0 ] || [ "$rc" -ne 0 ]; then
		grep -E '\[(FAIL|----)\]|failed|Crash|ERROR' "$log" | head -n 40
		[ $((f + c)) -gt 0 ] || failed=$((failed + 1))
	fi
	echo "$name: $p passed, $((f + c)) failed"
done

for t in "$build"/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	corpus="tests/fuzz/corpus/${name#fuzz_}"
	if "$t" "$corpus" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "$name: corpus replayed ($(tail -n 1 "$log"))"
	else
		failed=$((failed + 1))
		echo "FAIL: $name on $corpus"
		tail -n 30 "$log"
	fi
done

for t in tests/e2e/test_*.sh; do
	[ -f "$t" ] || continue
	DASV="$build/dasv" UIDEMO="$build/uidemo" bash "$t" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^PASS:' "$log")
	f=$(grep -c '^FAIL:' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		cat "$log"
		[ "$f" -gt 0 ] || failed=$((failed + 1))
	fi
	echo "$(basename "$t"): $p passed, $f failed"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
