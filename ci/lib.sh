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
