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

# stage NAME CMD...: run one stage into $STAGE_LOGS/NAME.log and count the
# KTAP results it prints.  A stage that exits non-zero without a "not ok"
# line, is killed by a signal, or prints no result at all gets a "not ok"
# line that says so.  Never fails itself, so the summary is always reached.
stage() {
	local name=$1 start rc=0 ok bad why='' log
	shift
	log=$STAGE_LOGS/$name.log
	start=$(date +%s)
	say "stage $name: $*"
	mkdir -p "$STAGE_LOGS" && : >"$log" || rc=$?
	[ "$rc" -ne 0 ] || "$@" >"$log" 2>&1 </dev/null || rc=$?
	ok=$(grep -c '^ok ' "$log" 2>/dev/null || true)
	bad=$(grep -c '^not ok ' "$log" 2>/dev/null || true)
	ok=${ok:-0} bad=${bad:-0}
	if [ ! -w "$log" ]; then
		why="cannot write its log $log"
		log=/dev/stderr
	elif [ "$rc" -gt 128 ]; then
		why="killed by signal $((rc - 128)) ($(kill -l $((rc - 128)) 2>/dev/null || echo '?'))"
	elif [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		why="exited with status $rc without a 'not ok' line"
	elif [ "$rc" -eq 0 ] && [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
		why="printed no result"
	fi
	if [ -n "$why" ]; then
		echo "not ok - stage-$name # $why" >>"$log"
		bad=$((bad + 1))
		{ tail -20 "$log" >&2; } || true
	elif [ "$bad" -gt 0 ]; then
		{ grep -A12 '^not ok ' "$log" | head -60 >&2; } || true
	fi
	stage_passed=$((stage_passed + ok)) stage_failed=$((stage_failed + bad))
	stage_table+=("$(printf '%-16s %6ss %4s passed %4s failed%s' "$name" \
		$(($(date +%s) - start)) "$ok" "$bad" "${why:+  ($why)}")")
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
