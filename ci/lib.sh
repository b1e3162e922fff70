# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Paths, settings and helpers of the ci/ scripts.  Sourced, never run.
#
# Layout: ci/test (the stage table) runs ci/stages/<stage>, which use the
# tools in ci/tools/; ci/guest/ is the guest's init; ci/data/ holds the
# test plans, the splat policy and its golden cases, the negative patches
# and the harness's fixtures.  Everything is written under $NOSRCU_BUILD:
#   build/linux             the source tree (v6.18.15 + the series, git)
#   build/kbuild/<config>   kernel build directories (guest, um, touched, ...)
#   build/artifacts/        what a build made for a run: kernels/NAME.bzImage
#                           with NAME.stamp, guest-progs/ with its stamp, debs/
#   build/logs/<stage>/     ci/test's logs, one directory per stage
#
# Settings (environment; all optional):
#   NOSRCU_BUILD           build directory (build/)
#   NOSRCU_TREE            source tree ($NOSRCU_BUILD/linux)
#   NOSRCU_KBUILD          build directory of the guest kernel
#                          ($NOSRCU_BUILD/kbuild/guest)
#   NOSRCU_SERIES          series file (series; /dev/null: the bare base)
#   NOSRCU_FRAGMENTS       config fragments for ci/tools/config, replacing
#                          kconfig-fragments/*.config (+ series/)
#   NOSRCU_KERNEL          kernel ci/tools/boot boots: a name of
#                          build/artifacts/kernels/ (series) or an image path
#   NOSRCU_QEMU            QEMU binary (qemu-system-x86_64)
#   NOSRCU_TCG             non-empty: never try KVM
#   NOSRCU_BOOT_TIMEOUT    seconds a guest may run (1800)
#   NOSRCU_GUEST_TIMEOUT   seconds a test guest of ci/test may run (1500)
#   NOSRCU_STAGE_TIMEOUT   seconds a stage of ci/test may run (3600)
#   NOSRCU_FULL            non-empty: ci/test --full
#   NOSRCU_KERNEL_TARBALL  the pinned tarball, checked by sha256
#   NOSRCU_KERNEL_SRC      a v6.18.15 tree of your own, checked by manifest
#   NOSRCU_CACHE_DIR       tarball cache (~/.cache/mmu-notifier-nosrcu)
#   NOSRCU_BENCH_REPS      boots per kernel in ci/tools/bench (3)
#   NOSRCU_DEB_CONFIG      base config of ci/tools/debs
#                          (/boot/config-$(uname -r) when present)
#   NOSRCU_SPLATS_DIR      splat policy of ci/tools/check-splats (ci/data/splats)
#   NOSRCU_STAGE_DIR       a stage's log directory (set by ci/test's runner)
#   NOSRCU_STAGE_ID        marks a stage's processes (set by the runner)
#   NOSRCU_FAKE_TAG        names the harness's fake QEMU (fixtures only)
#   NOSRCU_LOGS            ci/test's log directory ($NOSRCU_BUILD/logs)
#   CCACHE_DIR             ccache's cache (~/.ccache), CCACHE_MAXSIZE (8G)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${NOSRCU_BUILD:-$ROOT/build}
TREE=${NOSRCU_TREE:-$BUILD/linux}
KB=${NOSRCU_KBUILD:-$BUILD/kbuild/guest}
ART=$BUILD/artifacts
SERIES=${NOSRCU_SERIES:-$ROOT/series}
DATA=$ROOT/ci/data
TOOLS=$ROOT/ci/tools
LOCK=$ROOT/base.lock
# shellcheck disable=SC2034 # used by ci/tools/source
CACHE_DIR=${NOSRCU_CACHE_DIR:-$HOME/.cache/mmu-notifier-nosrcu}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.ccache}
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# temporary files go under build/ too (mktemp uses $TMPDIR)
export TMPDIR=$BUILD/tmp
mkdir -p "$TMPDIR" 2>/dev/null || true
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
	done <"$SERIES"
}

# bare_base: true when the series is empty (NOSRCU_SERIES=/dev/null): the
# released v6.18.15, with nothing to mail and no race test
bare_base() {
	[ -z "$(series_patches)" ]
}

# kmake ARGS...: make in $TREE, output in $KB (set KB= for another one)
kmake() {
	make -s -C "$TREE" O="$KB" CC="ccache ${CROSS_COMPILE:-}gcc" -j"$(nproc)" "$@"
}

# default_frags: the guest config's fragments (ci/tools/config), one per
# line: kconfig-fragments/*.config, and for the series also series/ and
# debs/ (the local version)
default_frags() {
	printf '%s\n' "$ROOT"/kconfig-fragments/*.config
	bare_base || printf '%s\n' "$ROOT"/kconfig-fragments/series/*.config \
		"$ROOT"/kconfig-fragments/debs/*.config
}

# config_hash FRAGMENT...: hash of the fragments' names and contents;
# ci/tools/config keeps it as KBUILD/.config.nosrcu
config_hash() {
	local f
	for f in "$@"; do
		printf '== %s\n' "${f#"$ROOT"/}"
		cat "$f"
	done | sha256sum | cut -c1-16
}

# The stamps that keep a runner from booting a stale kernel.  A kernel in
# build/artifacts/kernels/NAME.bzImage carries NAME.stamp, the hash of what
# it was built from; ci/tools/boot refuses it when the inputs changed.
#
# inputs_hash N [FILE...]: hash of base.lock, the first N series entries,
# the config fragments and ci/tools/config, plus FILEs
inputs_hash() {
	local n=$1 f
	shift
	{
		cat "$LOCK"
		series_patches | awk -v n="$n" 'NR <= n' | while read -r f; do
			printf '== %s\n' "${f#"$ROOT"/}"
			cat "$f"
		done
		for f in "$ROOT"/kconfig-fragments/*.config "$ROOT"/kconfig-fragments/series/*.config \
			 "$ROOT"/kconfig-fragments/debs/*.config "$TOOLS/config" "$@"; do
			printf '== %s\n' "${f#"$ROOT"/}"
			cat "$f"
		done
	} | sha256sum | cut -c1-16
}

# applied_hash: hash of base.lock and the series entries; ci/tools/apply
# writes it, with the commit of branch "series" it made, to
# build/artifacts/applied
applied_hash() {
	{
		cat "$LOCK"
		series_patches | while read -r f; do
			printf '== %s\n' "${f#"$ROOT"/}"
			cat "$f"
		done
	} | sha256sum | cut -c1-16
}

# tree_applied: true if build/linux's branch "series" holds the current
# series (ci/tools/export and ci/tools/mail read it)
# (an amended commit in the edit loop is not the series until exported)
tree_applied() {
	local tip
	tip=$(git -C "$TREE" rev-parse -q --verify refs/heads/series 2>/dev/null) || return 1
	[ "$(cat "$ART/applied" 2>/dev/null || true)" = "$(applied_hash) $tip" ]
}

# kernel_stamp NAME: the stamp kernel NAME must carry to be current:
# series (the whole series), srcu-debug (the entry marked ci:srcu-debug),
# race-base (the entry marked ci:race-test: the base with the race test),
# neg-X (the series + ci/data/negative/X.patch)
kernel_stamp() {
	local n
	case $1 in
	series) inputs_hash 100000 ;;
	srcu-debug)
		n=$(series_marked ci:srcu-debug)
		[ -n "$n" ] || return 1
		inputs_hash "$n" ;;
	race-base)
		n=$(series_marked ci:race-test)
		[ -n "$n" ] || return 1
		inputs_hash "$n" ;;
	neg-*)
		[ -f "$DATA/negative/${1#neg-}.patch" ] || return 1
		inputs_hash 100000 "$DATA/negative/${1#neg-}.patch" ;;
	*) return 1 ;;
	esac
}

# kernel_fresh NAME: true if build/artifacts/kernels/NAME.bzImage exists
# and its stamp is current; otherwise says why on stderr
kernel_fresh() {
	local f=$ART/kernels/$1 want have
	want=$(kernel_stamp "$1") || { say "no kernel called '$1'"; return 1; }
	[ -f "$f.bzImage" ] || { say "kernel $1 is not built ($f.bzImage)"; return 1; }
	have=$(cat "$f.stamp" 2>/dev/null || true)
	[ "$have" = "$want" ] && return 0
	say "kernel $1 is stale: built from inputs ${have:-unknown}, the series, fragments and base are now $want"
	return 1
}

# progs_inputs_hash: the hash of what the guest programs are built from
# (ci/tools/build-progs)
progs_inputs_hash() {
	inputs_hash 100000 "$TOOLS/build-progs" "$ROOT/ci/guest/ldt_with_vm.c"
}

# progs_fresh: true if the guest programs were built for the current series
progs_fresh() {
	local want have
	want=$(progs_inputs_hash)
	have=$(cat "$ART/guest-progs.stamp" 2>/dev/null || true)
	[ "$have" = "$want" ] && return 0
	say "guest programs are ${have:+stale (built from $have, now $want)}${have:-not built}"
	return 1
}

# KTAP helpers for the stages: ktap_plan N, then one ktap_ok / ktap_fail /
# ktap_skip per result (numbered here), then ktap_done (exit status 1 if a
# result failed).  ktap_diag FILE prints FILE (- for stdin) as "# " lines.
ktap_n=0 ktap_failed=0
ktap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}
ktap_ok() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $1${2:+ # $2}"
}
ktap_fail() {
	ktap_n=$((ktap_n + 1)) ktap_failed=$((ktap_failed + 1))
	echo "not ok $ktap_n $1${2:+ # $2}"
}
ktap_skip() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $1 # SKIP $2"
}
ktap_diag() {
	sed -n '1,60s/^/# /p' "$@"
}
ktap_done() {
	[ "$ktap_failed" -eq 0 ]
}

# ktap_step NAME CMD...: one result for one command; its output goes to
# $STAGE_DIR/NAME.log and its last lines into the diagnostics on failure
ktap_step() {
	local name=$1 log
	shift
	log=${STAGE_DIR:-$BUILD/logs}/$name.log
	mkdir -p "${log%/*}"
	if "$@" >"$log" 2>&1; then
		ktap_ok "$name" "$(tail -1 "$log" | cut -c1-150)"
	else
		ktap_fail "$name" "exit $?, log $log"
		tail -20 "$log" | ktap_diag -
	fi
}

# The stage runner of ci/test.  $LOGS holds one directory per stage; each
# stage adds its "ok"/"not ok" lines to the totals and a row to the table.
LOGS=${NOSRCU_LOGS:-$BUILD/logs}
stage_passed=0 stage_failed=0 stage_skipped=0 stage_table=()
# a stage's own log directory (NOSRCU_STAGE_DIR, set by the runner for
# each stage; by hand: build/logs/NAME)
STAGE_DIR=${NOSRCU_STAGE_DIR:-$LOGS/${0##*/}}

# stage NAME CMD...: run one stage into $LOGS/NAME/stage.log, with
# STAGE_DIR=$LOGS/NAME for its other logs, under a time limit
# ($NOSRCU_STAGE_TIMEOUT, 3600 s), and count the KTAP results it prints
# ("ok ... # SKIP" counts as skipped).  A stage that exits non-zero
# without a "not ok" line, is killed by a signal, times out, prints fewer
# results than its plan ("1..N") or none at all gets a "not ok" line that
# says so.  Never fails itself, so the summary is always reached.
stage() {
	local name=$1 start rc=0 ok=0 bad=0 skips=0 plan=0 why='' log
	shift
	log=$LOGS/$name/stage.log
	start=$(date +%s)
	say "stage $name: $*"
	{ rm -rf "${log%/*}" && mkdir -p "${log%/*}" && : >"$log"; } 2>/dev/null || rc=$?
	if [ "$rc" -ne 0 ]; then
		why="cannot write its log $log"
	else
		NOSRCU_STAGE_DIR=${log%/*} NOSRCU_STAGE_ID=$name-$$-$start \
			timeout --foreground -k 30 "${NOSRCU_STAGE_TIMEOUT:-3600}" "$@" \
			>"$log" 2>&1 </dev/null || rc=$?
		# whatever the stage left running (a make, a QEMU under a killed
		# script) carries its NOSRCU_STAGE_ID and goes now
		kill_stage_leftovers "$name-$$-$start"
		ok=$(grep -c '^ok ' "$log" 2>/dev/null || true)
		bad=$(grep -c '^not ok ' "$log" 2>/dev/null || true)
		skips=$(grep -cE '^ok .*# *SKIP' "$log" 2>/dev/null || true)
		plan=$(awk '/^1\.\.[0-9]+$/ { n += substr($0, 4) } END { print n + 0 }' "$log" 2>/dev/null || true)
		ok=$((${ok:-0} - ${skips:-0})) bad=${bad:-0} skips=${skips:-0} plan=${plan:-0}
	fi
	if [ -n "$why" ]; then
		:
	elif [ ! -f "$log" ]; then
		why="removed its own log (results unknown)"
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
	{
		echo "$ok $bad $skips"
		printf '%-16s %6ss %4s passed %4s failed%s%s\n' "$name" \
			$(($(date +%s) - start)) "$ok" "$bad" \
			"$([ "$skips" -eq 0 ] || echo " $skips skipped")" "${why:+  ($why)}"
	} >"$LOGS/$name/result" 2>/dev/null || true
	stage_account "$name"
	return 0
}

# stage_account NAME: add the result a stage left in its directory to the
# totals and the table (a stage that left none failed to run at all)
stage_account() {
	local f=$LOGS/$1/result ok bad skips
	if [ -s "$f" ]; then
		read -r ok bad skips <"$f"
		stage_table+=("$(sed -n 2p "$f")")
	else
		ok=0 bad=1 skips=0
		stage_table+=("$(printf '%-16s no result (the stage runner died)' "$1")")
	fi
	stage_passed=$((stage_passed + ok)) stage_failed=$((stage_failed + bad))
	stage_skipped=$((stage_skipped + skips))
}

# kill_stage_leftovers ID: SIGKILL every process whose environment has
# NOSRCU_STAGE_ID=ID (stages run in ci/test's process group, so that a
# Ctrl-C or a CI runner's kill reaches them; a stage that timed out may
# still have children that timeout(1) did not signal)
kill_stage_leftovers() {
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" != $$ ] || continue
		{ tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qx "NOSRCU_STAGE_ID=$1" &&
			kill -KILL "${p#/proc/}" 2>/dev/null
	done
	return 0
}

# run_stage NAME ARGS...: the stage ci/stages/NAME
run_stage() {
	stage "$1" "$ROOT/ci/stages/$1" "${@:2}"
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
	echo "total $(($(date +%s) - $1))s; logs in $LOGS/<stage>/"
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
		"$SERIES"
}
