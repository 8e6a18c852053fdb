# tests/e2e/lib.sh - drive a terminal program in tmux and look at its screen.
#
# Source it from tests/e2e/test_*.sh.  Each script gets its own tmux server
# (tmux -L) so scripts can run side by side; each test gets a fresh session
# at a pinned size, TERM, locale and TZ, as tmux's own regress/ tests do.
# Waits poll the screen every 0.1 s until text appears: never a fixed sleep.
#
#   e2e_test "name" fn        run fn, print "PASS: name" or "FAIL: name"
#   e2e_start NAME CMD...     start CMD in a detached 100x30 session
#                             (E2E_TERM, default xterm-256color; E2E_ENV:
#                             extra VAR=value words for the command)
#   e2e_keys KEY...           tmux send-keys (e.g. j Enter Escape C-x F12)
#   e2e_type TEXT             send TEXT literally (UTF-8 fine)
#   e2e_wait_for TEXT [SECS]  until TEXT is on screen; else print it and fail
#   e2e_wait_gone TEXT [SECS] until TEXT is no longer on screen
#   e2e_wait_exit [SECS]      until the program has exited; prints its exit
#                             status, or "signal N"
#   e2e_screen                the screen as text (capture-pane -p)
#   e2e_screen_attrs          the screen with attributes as escape sequences
#   e2e_cursor                "x y" of the hardware cursor
#   e2e_pane_title            the pane title (what OSC 0 would change)
#   e2e_record                start recording the program's output bytes
#   e2e_recorded_bytes        how many bytes it has written since
#   e2e_resize W H            resize the window (the program gets SIGWINCH)
#   e2e_stop                  kill the session
#   e2e_summary               "NAME: N passed, M failed"; exit 1 on failures

E2E_SOCKET="dasv-e2e-$$"
E2E_COUNT=0
E2E_SESSION=""
E2E_TIMEOUT=${E2E_TIMEOUT:-10}
E2E_PASSED=0
E2E_FAILED=0
E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dasv-e2e.XXXXXX")
E2E_CONF="$E2E_DIR/tmux.conf"
# no status line (the pane is the whole window), keep a dead pane to read,
# and no escape-time delay so Esc reaches the program at once
cat >"$E2E_CONF" <<'EOF'
set -g status off
set -g remain-on-exit on
set -s escape-time 0
set -g default-terminal "screen-256color"
EOF
# tmux learns a pane's exit status only some time after the pane dies (and
# sometimes not at all), so a wrapper records it in a file
cat >"$E2E_DIR/run" <<'EOF'
f=$1
shift
"$@"
echo $? >"$f"
EOF
trap '_e2e_tmux kill-server 2>/dev/null; rm -rf "$E2E_DIR"' EXIT

# tmux itself must run in UTF-8 so capture-pane returns UTF-8
export LANG=C.UTF-8 LC_ALL=C.UTF-8

_e2e_tmux() {
	tmux -u -L "$E2E_SOCKET" -f "$E2E_CONF" "$@"
}

_e2e_now_ms() {
	date +%s%3N
}

e2e_start() {
	local name=$1 cmd="" w
	shift
	for w in "$@"; do
		cmd+=" $(printf '%q' "$w")"
	done
	E2E_SESSION=$name
	E2E_STATUS="$E2E_DIR/status.$name.$E2E_COUNT"
	rm -f "$E2E_STATUS"
	_e2e_tmux new-session -d -s "$name" -x 100 -y 30 \
		"exec env TERM=${E2E_TERM:-xterm-256color} LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC ${E2E_ENV:-}sh $(printf %q "$E2E_DIR/run") $(printf %q "$E2E_STATUS")$cmd"
}

# The program's pid (a child of the wrapper that records its exit status).
e2e_pid() {
	pgrep -P "$(_e2e_tmux display-message -p -t "$E2E_SESSION" '#{pane_pid}')"
}

e2e_keys() {
	_e2e_tmux send-keys -t "$E2E_SESSION" "$@"
}

e2e_type() {
	_e2e_tmux send-keys -t "$E2E_SESSION" -l -- "$1"
}

e2e_screen() {
	_e2e_tmux capture-pane -p -t "$E2E_SESSION"
}

e2e_screen_attrs() {
	_e2e_tmux capture-pane -p -e -t "$E2E_SESSION"
}

e2e_cursor() {
	_e2e_tmux display-message -p -t "$E2E_SESSION" '#{cursor_x} #{cursor_y}'
}

e2e_pane_title() {
	_e2e_tmux display-message -p -t "$E2E_SESSION" '#{pane_title}'
}

e2e_resize() {
	_e2e_tmux resize-window -t "$E2E_SESSION" -x "$1" -y "$2"
}

e2e_stop() {
	[ -n "$E2E_SESSION" ] && _e2e_tmux kill-session -t "$E2E_SESSION" 2>/dev/null
	E2E_SESSION=""
	return 0
}

_e2e_show() {
	echo "---- screen of $E2E_SESSION ----" >&2
	e2e_screen >&2
	echo "---- end of screen ----" >&2
}

e2e_wait_for() {
	local text=$1 secs=${2:-$E2E_TIMEOUT} end
	end=$(( $(_e2e_now_ms) + secs * 1000 ))
	while [ "$(_e2e_now_ms)" -lt "$end" ]; do
		if e2e_screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
	done
	echo "timed out after ${secs}s waiting for: $text" >&2
	_e2e_show
	return 1
}

e2e_wait_gone() {
	local text=$1 secs=${2:-$E2E_TIMEOUT} end
	end=$(( $(_e2e_now_ms) + secs * 1000 ))
	while [ "$(_e2e_now_ms)" -lt "$end" ]; do
		if ! e2e_screen | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.1
	done
	echo "timed out after ${secs}s waiting for this to go: $text" >&2
	_e2e_show
	return 1
}

e2e_wait_exit() {
	local secs=${1:-$E2E_TIMEOUT} end
	end=$(( $(_e2e_now_ms) + secs * 1000 ))
	while [ "$(_e2e_now_ms)" -lt "$end" ]; do
		if [ -s "$E2E_STATUS" ]; then
			cat "$E2E_STATUS"
			return 0
		fi
		sleep 0.1
	done
	echo "timed out after ${secs}s waiting for the program to exit" >&2
	_e2e_show
	return 1
}

# Record what the program writes to the terminal from now on.
e2e_record() {
	E2E_RECORD="$E2E_DIR/out.$E2E_COUNT"
	: >"$E2E_RECORD"
	_e2e_tmux pipe-pane -t "$E2E_SESSION" -o "cat >>$(printf %q "$E2E_RECORD")"
}

# Bytes written since e2e_record.
e2e_recorded_bytes() {
	wc -c <"$E2E_RECORD"
}

# Fail with a message and the screen (use in tests: cond || e2e_fail "why").
e2e_fail() {
	echo "$*" >&2
	_e2e_show
	return 1
}

e2e_test() {
	local name=$1 fn=$2 rc
	# a server of its own per test, so a dying one cannot take the next down
	E2E_COUNT=$((E2E_COUNT + 1))
	E2E_SOCKET="dasv-e2e-$$-$E2E_COUNT"
	# a subshell with set -e: the first failing step fails the test
	( set -e; "$fn" )
	rc=$?
	e2e_stop
	_e2e_tmux kill-server 2>/dev/null
	if [ "$rc" -eq 0 ]; then
		echo "PASS: $name"
		E2E_PASSED=$((E2E_PASSED + 1))
	else
		echo "FAIL: $name"
		E2E_FAILED=$((E2E_FAILED + 1))
	fi
	return 0
}

e2e_summary() {
	echo "$(basename "$0" .sh): $E2E_PASSED passed, $E2E_FAILED failed"
	[ "$E2E_FAILED" -eq 0 ]
}
