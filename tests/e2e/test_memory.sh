#!/usr/bin/env bash
# tests/e2e/test_memory.sh - the unlocked TUI's memory is out of reach of
# other processes: ptrace attach by the same user is refused, and a crash
# (SIGSEGV) writes no core file.  dasv_process_init does both (RLIMIT_CORE 0,
# PR_SET_DUMPABLE 0); this checks the effect on the real binary in tmux.
#
# As root, ptrace would succeed whatever dasv does (CAP_SYS_PTRACE), so the
# check would prove nothing: then dasv, the attacher and the control all run
# as an unprivileged user (nobody, via setpriv).  Every check has a control
# that must succeed on an ordinary process of the same user (attaching to a
# sleep; a shell that crashes writes a core where core_pattern says), so a
# host that refuses ptrace or never writes cores anyway cannot make the test
# pass by accident: then it says so and fails.  The keys leaving memory at the
# idle lock is tests/test_memory.c (a process cannot read itself this way).
# Prints PASS:/FAIL: lines (run.sh counts them).  Uses $DASV as the binary.
set -u
cd "$(dirname "$0")/../.." || exit 1
DASV=${DASV:-build/dasv}
. tests/e2e/lib.sh

if [ ! -x "$DASV" ]; then
	echo "FAIL: dasv binary at $DASV"
	exit 1
fi
DASV=$(readlink -f "$DASV")
PASS="memory test passphrase"

# who runs dasv, the attacher and the controls
if [ "$(id -u)" -eq 0 ]; then
	if ! command -v setpriv >/dev/null; then
		echo "FAIL: running as root needs setpriv (util-linux) to test as an ordinary user"
		exit 1
	fi
	RUN_UID=65534
	RUN_GID=65534
	AS=(setpriv "--reuid=$RUN_UID" "--regid=$RUN_GID" --clear-groups)
else
	RUN_UID=$(id -u)
	RUN_GID=$(id -g)
	AS=()
fi

# a directory of that user's own: dasv's database and its working directory
# (in /tmp, not $TMPDIR, which may be a directory that user cannot reach)
W=$(mktemp -d /tmp/dasv-memory.XXXXXX)
chmod 700 "$W"
[ "$(id -u)" -eq 0 ] && chown "$RUN_UID:$RUN_GID" "$W"
trap '_e2e_tmux kill-server 2>/dev/null; rm -rf "$E2E_DIR" "$W"' EXIT

# the attacher: ptrace(PTRACE_ATTACH) and nothing else
cat >"$W/attach.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
int
main(int argc, char **argv)
{
	pid_t pid = argc > 1 ? (pid_t)atoi(argv[1]) : 0;

	if (pid <= 0)
		return 2;
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) != 0) {
		printf("refused: %s\n", strerror(errno));
		return 1;
	}
	waitpid(pid, NULL, 0);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	printf("attached\n");
	return 0;
}
EOF
if ! cc -o "$W/attach" "$W/attach.c" 2>"$W/cc.err"; then
	echo "FAIL: cannot compile the ptrace helper"
	cat "$W/cc.err"
	exit 1
fi
chmod 755 "$W/attach"

as_user() {
	"${AS[@]}" "$@"
}

# the database, made by the user who will run dasv
if ! as_user "$DASV" --db "$W/m.db" --new-passphrase-fd 3 init --admin boss \
	3<<<"$PASS" >"$W/init.out" 2>&1; then
	echo "FAIL: dasv init as uid $RUN_UID"
	cat "$W/init.out"
	exit 1
fi

# Start the TUI as that user, in $W, with core dumps allowed by the shell (so
# only dasv itself can turn them off), and unlock it.  ASan must leave SIGSEGV
# to the kernel and not turn core dumps off itself, or the test proves nothing.
start_unlocked() {
	E2E_ENV="ASAN_OPTIONS=handle_segv=0:disable_coredump=0:abort_on_error=0:detect_leaks=0 " \
		e2e_start mem "${AS[@]}" sh -c \
		'cd "$1" && { ulimit -c unlimited 2>/dev/null || ulimit -S -c "$(ulimit -H -c)"; } &&
		shift && exec "$@"' sh "$W" "$DASV" --db "$W/m.db" --user boss
	e2e_wait_for "Passphrase"
	e2e_type "$PASS"
	e2e_keys Enter
	e2e_wait_gone "Passphrase"
	# unlocked: the title bar names the user, the queue is on screen
	e2e_wait_for "boss (admin)"
	e2e_wait_for "Allocation queue"
	PID=$(e2e_pid)
	[ -n "$PID" ] || e2e_fail "no dasv process"
	[ "$(readlink "/proc/$PID/exe")" = "$DASV" ] ||
		e2e_fail "pid $PID is $(readlink "/proc/$PID/exe"), not dasv"
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$PID/status")" = "$RUN_UID" ] ||
		e2e_fail "dasv does not run as uid $RUN_UID"
}

t_ptrace_attach_is_refused() {
	local ctl out
	start_unlocked
	# control: the same user attaches to an ordinary process of theirs
	as_user sleep 60 2>/dev/null &
	ctl=$!
	sleep 0.2
	ctl=$(pgrep -P "$ctl" sleep || echo "$ctl")
	out=$(as_user "$W/attach" "$ctl" 2>&1) || true
	kill "$ctl" 2>/dev/null || true
	wait 2>/dev/null || true
	[ "$out" = attached ] ||
		e2e_fail "control: uid $RUN_UID cannot ptrace its own sleep ($out): this host refuses ptrace anyway, so the test would prove nothing"
	# dasv, unlocked, refuses the same user
	out=$(as_user "$W/attach" "$PID" 2>&1) && e2e_fail "ptrace attach to the unlocked dasv succeeded"
	echo "$out" | grep -q "Operation not permitted" || e2e_fail "attach failed oddly: $out"
	if command -v gdb >/dev/null; then
		out=$(cd "$W" && as_user gdb -nx -p "$PID" -batch -ex quit 2>&1) || true
		echo "$out" | grep -q "ptrace: Operation not permitted" ||
			e2e_fail "gdb -p: $out"
	fi
	# not dumpable: the kernel gives its /proc files to root, not to the user
	[ "$(stat -c %u "/proc/$PID/environ")" = 0 ] ||
		e2e_fail "/proc/$PID/environ belongs to uid $(stat -c %u "/proc/$PID/environ"): dumpable"
	grep -Eq '^Max core file size +0 +0 ' "/proc/$PID/limits" ||
		e2e_fail "core dumps not off: $(grep 'core file' "/proc/$PID/limits")"
	# and it is still working afterwards
	[ -d "/proc/$PID" ] || e2e_fail "dasv died"
	e2e_screen | grep -qF "boss (admin)"
}

# Where core_pattern puts a core of a process whose cwd is $W: "DIR PREFIX",
# or nothing when it goes to a program (then only the control can tell).
core_place() {
	local pat
	pat=$(cat /proc/sys/kernel/core_pattern)
	case "$pat" in
	'|'*) return 1 ;;
	/*) echo "$(dirname "$pat") $(basename "$pat" | sed 's/%.*//')" ;;
	*) echo "$W $(echo "$pat" | sed 's/%.*//')" ;;
	esac
}

cores_in() { # DIR PREFIX NEWER-THAN
	find "$1" -maxdepth 1 -name "${2}*" -type f -newer "$3" 2>/dev/null
}

t_sigsegv_writes_no_core() {
	local place dir prefix st found
	place=$(core_place) || e2e_fail "core_pattern is a pipe ($(cat /proc/sys/kernel/core_pattern)): cannot look for the file"
	dir=${place% *}
	prefix=${place#* }
	[ -n "$prefix" ] || prefix=core
	: >"$W/stamp"
	sleep 1.1 # -newer has one-second resolution on some file systems
	# control: an ordinary crash of the same user, in the same place, leaves a core
	as_user sh -c 'cd "$1" && { ulimit -c unlimited 2>/dev/null || ulimit -S -c "$(ulimit -H -c)"; } && kill -SEGV $$' sh "$W" 2>/dev/null || true
	found=$(cores_in "$dir" "$prefix" "$W/stamp")
	[ -n "$found" ] || e2e_fail "control: a crashing shell wrote no core in $dir: the test would prove nothing"
	rm -f $found
	: >"$W/stamp"
	sleep 1.1
	start_unlocked
	kill -SEGV "$PID"
	st=$(e2e_wait_exit)
	[ "$st" = 139 ] || e2e_fail "dasv did not die of SIGSEGV: exit $st"
	found=$(cores_in "$dir" "$prefix" "$W/stamp")
	[ -z "$found" ] || e2e_fail "a core file was written: $found"
}

e2e_test "ptrace attach to the unlocked TUI is refused (same user, not root)" t_ptrace_attach_is_refused
e2e_test "SIGSEGV in the unlocked TUI writes no core file" t_sigsegv_writes_no_core
e2e_summary
