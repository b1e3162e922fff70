# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Common paths and helpers for the ci/ scripts.  Sourced, never run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
TREE=${TREE:-$BUILD/linux}
OUT=${OUT:-$BUILD/out}
LOCK=$ROOT/base.lock
CACHE_DIR=${CACHE_DIR:-$HOME/.cache/mmu-notifier-nosrcu}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=nosrcu KBUILD_BUILD_HOST=ci

die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

say() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# lock_get KEY: print the value of a single-valued key of base.lock
lock_get() {
	awk -v k="$1" '$1 == k { print $2; exit }' "$LOCK"
}

# series_patches: print the patch files of the series, in order
series_patches() {
	local p
	while read -r p _; do
		case "$p" in '' | \#*) continue ;; esac
		printf '%s\n' "$ROOT/patches/$p"
	done <"${SERIES:-$ROOT/series}"
}

kmake() {
	make -s -C "$TREE" O="$OUT" CC="ccache gcc" -j"$(nproc)" "$@"
}

# The stage runner of ci/test.  STAGE_LOGS is the log directory; each stage
# adds its "ok"/"not ok" lines to the totals and a row to the table.
STAGE_LOGS=${STAGE_LOGS:-$BUILD/logs}
stage_passed=0 stage_failed=0 stage_skipped=0 stage_table=()

# stage NAME CMD...: run one stage into $STAGE_LOGS/NAME.log, under a time
# limit ($NOSRCU_STAGE_TIMEOUT, 3600 s), and count the KTAP results it
# prints ("ok ... # SKIP" counts as skipped).  A stage that exits non-zero
# without a "not ok" line, is killed by a signal, times out, prints fewer
# results than its plan ("1..N") or none at all gets a "not ok" line that
# says so.  Never fails itself, so the summary is always reached.
stage() {
	local name=$1 start rc=0 ok=0 bad=0 skips=0 plan=0 why='' log
	shift
	log=$STAGE_LOGS/$name.log
	start=$(date +%s)
	say "stage $name: $*"
	{ mkdir -p "$STAGE_LOGS" && : >"$log"; } 2>/dev/null || rc=$?
	if [ "$rc" -ne 0 ]; then
		why="cannot write its log $log"
	else
		timeout --foreground -k 30 "${NOSRCU_STAGE_TIMEOUT:-3600}" "$@" >"$log" 2>&1 </dev/null || rc=$?
		ok=$(grep -c '^ok ' "$log" 2>/dev/null || true)
		bad=$(grep -c '^not ok ' "$log" 2>/dev/null || true)
		skips=$(grep -cE '^ok .*# *SKIP' "$log" 2>/dev/null || true)
		plan=$(awk '/^1\.\.[0-9]+$/ { n += substr($0, 4) } END { print n + 0 }' "$log" 2>/dev/null || true)
		ok=$((${ok:-0} - ${skips:-0})) bad=${bad:-0} skips=${skips:-0} plan=${plan:-0}
	fi
	if [ -n "$why" ]; then
		:
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && [ "$(($(date +%s) - start))" -ge "${NOSRCU_STAGE_TIMEOUT:-3600}" ]; then
		why="timed out after ${NOSRCU_STAGE_TIMEOUT:-3600}s"
	elif [ "$rc" -gt 128 ] && [ "$rc" -le 192 ]; then
		why="killed by signal $((rc - 128)) ($(kill -l $((rc - 128)) 2>/dev/null || echo '?'))"
	elif [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		why="exited with status $rc without a 'not ok' line"
	elif [ "$plan" -gt 0 ] && [ $((ok + bad + skips)) -ne "$plan" ]; then
		why="printed $((ok + bad + skips)) results for a plan of $plan"
	elif [ "$rc" -eq 0 ] && [ $((ok + bad + skips)) -eq 0 ]; then
		why="printed no result"
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		echo "not ok - stage-$name # $why" >&2
		echo "not ok - stage-$name # $why" >>"$log" 2>/dev/null || true
		[ ! -f "$log" ] || { tail -20 "$log" >&2; } 2>/dev/null || true
	elif [ "$bad" -gt 0 ]; then
		{ grep -A12 '^not ok ' "$log" | head -60 >&2; } 2>/dev/null || true
	fi
	stage_passed=$((stage_passed + ok)) stage_failed=$((stage_failed + bad))
	stage_skipped=$((stage_skipped + skips))
	stage_table+=("$(printf '%-16s %6ss %4s passed %4s failed%s%s' "$name" \
		$(($(date +%s) - start)) "$ok" "$bad" \
		"$([ "$skips" -eq 0 ] || echo " $skips skipped")" "${why:+  ($why)}")")
	return 0
}

# step NAME CMD...: a stage without KTAP output; its exit status counts once
step() {
	local name=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	stage "$name" sh -c '"$@" && echo "ok 1 $0"' "$name" "$@"
}

# skip NAME WHY: a stage that does not apply to this run
skip() {
	stage_skipped=$((stage_skipped + 1))
	stage_table+=("$(printf '%-16s skipped: %s' "$1" "$2")")
}

# stage_summary T0: the table, then "N passed, N failed[, N skipped]" as the
# last line; fails if any stage failed
stage_summary() {
	echo
	printf '%s\n' "stage            wall     results" "${stage_table[@]}"
	echo "total $(($(date +%s) - $1))s; logs in $STAGE_LOGS"
	if [ "$stage_skipped" -gt 0 ]; then
		echo "$stage_passed passed, $stage_failed failed, $stage_skipped skipped"
	else
		echo "$stage_passed passed, $stage_failed failed"
	fi
	[ "$stage_failed" -eq 0 ]
}

# series_marked TOKEN: the 1-based position among the series entries of the
# entry whose line carries TOKEN after the patch name (e.g. "# ci:srcu-debug")
series_marked() {
	awk -v t="$1" '/^[ \t]*(#|$)/ { next } { n++; for (i = 2; i <= NF; i++) if ($i == t) { print n; exit } }' \
		"${SERIES:-$ROOT/series}"
}
