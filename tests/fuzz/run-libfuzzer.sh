#!/bin/sh
# tests/fuzz/run-libfuzzer.sh [SECONDS] - coverage-guided fuzzing of every
# tests/fuzz/fuzz_*.c with libFuzzer, for SECONDS each (default 60); `make
# fuzz` runs it with FUZZ_SECONDS.
#
# Each target is built with clang -fsanitize=fuzzer,address,undefined against
# the core sources themselves (not the gcc-built library: libFuzzer needs
# clang's coverage instrumentation in the code it explores), in
# build/libfuzzer/ (FUZZ_BUILD to change it).  It runs on a copy of its seed
# corpus, tests/fuzz/corpus/NAME, so the checked-in corpus only changes when
# someone chooses to keep an input (copy it from build/libfuzzer/NAME/corpus).
# A crash, a sanitizer report, a leak or a timeout fails the run; the input
# that did it is left in build/libfuzzer/NAME/ as crash-*, leak-* or
# timeout-*, and `build/san/fuzz/fuzz_NAME FILE` replays it under gcc.
# Ends with one line per target and exits 1 if any target failed.
set -u
secs=${1:-60}
cd "$(dirname "$0")/../.." || exit 1
out=${FUZZ_BUILD:-build/libfuzzer}
cc=${FUZZ_CC:-clang}
pkgs="sqlite3 libsodium"

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "run-libfuzzer: needs $cc (Debian: apt-get install clang)" >&2
	exit 1
fi
case "$secs" in
'' | *[!0-9]*)
	echo "usage: $0 [SECONDS]" >&2
	exit 64
	;;
esac

cflags="-std=c17 -g -O1 -fno-omit-frame-pointer -D_GNU_SOURCE -D_XOPEN_SOURCE_EXTENDED
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
	-Icore -I$out $(pkg-config --cflags $pkgs)"
libs=$(pkg-config --libs $pkgs)

# ---- build: the core once (instrumented, no libFuzzer main), then each target
mkdir -p "$out/core"
sh tools/embed-migrations.sh "$out/migrations.c" migrations/*.sql || exit 1
for src in core/*.c "$out/migrations.c"; do
	echo "$src $out/core/$(basename "$src" .c).o"
done | xargs -P "$(nproc 2>/dev/null || echo 2)" -n 2 sh -c \
	'exec '"$cc"' '"$(echo $cflags)"' -fsanitize=fuzzer-no-link -c -o "$2" "$1"' sh || {
	echo "run-libfuzzer: building the core failed" >&2
	exit 1
}
objs=""
for src in core/*.c "$out/migrations.c"; do
	objs="$objs $out/core/$(basename "$src" .c).o"
done

failed=0
summary=""
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	short=${name#fuzz_}
	work="$out/$short"
	bin="$out/$name"
	# shellcheck disable=SC2086
	if ! $cc $cflags -fsanitize=fuzzer -o "$bin" "$src" $objs $libs; then
		echo "run-libfuzzer: building $name failed" >&2
		failed=1
		summary="$summary
$name: BUILD FAILED"
		continue
	fi
	rm -rf "$work"
	mkdir -p "$work/corpus"
	[ -d "tests/fuzz/corpus/$short" ] && cp -p "tests/fuzz/corpus/$short"/* "$work/corpus/" 2>/dev/null
	echo "run-libfuzzer: $name for ${secs}s on $(ls "$work/corpus" | wc -l) seeds"
	# detect_leaks: a leak per input is a bug too
	ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
		"$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=3072 \
		-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" \
		>"$work/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		failed=1
		echo "FAIL: $name (exit $rc); the end of its log:"
		tail -n 40 "$work/log"
		for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
			[ -e "$a" ] && echo "  input: $a"
		done
		summary="$summary
$name: FAILED after ${execs:-?} runs ($cov); see $work/log"
	else
		summary="$summary
$name: ok, ${execs:-?} runs in ${secs}s, $cov, corpus $(ls "$work/corpus" | wc -l)"
	fi
done
echo "run-libfuzzer:$summary"
exit "$failed"
