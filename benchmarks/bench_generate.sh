#!/bin/sh
# bench_generate.sh: samples/s of `rena generate` on the simulated face,
# features only vs. with 640x480 images, and with 1 vs. 2 worker threads.
# Prints figures and ratios against the features-only single-worker run;
# asserts nothing.
#
#   benchmarks/bench_generate.sh [RENA_BINARY] [SAMPLES]
#
# RENA_BINARY defaults to $RENA_BINARY, then ./build/rena; SAMPLES to 300.
set -eu
RENA=${1:-${RENA_BINARY:-./build/rena}}
N=${2:-300}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rena-bench-generate-XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

# Runs one configuration; prints its samples/s (parsed from rena's summary).
rate() {
    name=$1
    shift
    "$RENA" generate --out "$WORK/$name" --samples "$N" --seed 1 "$@" >"$WORK/$name.log" 2>&1 ||
        { cat "$WORK/$name.log" >&2; exit 1; }
    sed -n 's/.*(\([0-9.]*\) samples\/s).*/\1/p' "$WORK/$name.log"
}

echo "rena generate, $N samples per run ($(uname -m), $(nproc) cores)"
base=$(rate features)
img=$(rate images --images)
two=$(rate features_j2 --jobs 2)
img2=$(rate images_j2 --images --jobs 2)
du_img=$(du -sk "$WORK/images" | cut -f1)
awk -v b="$base" -v i="$img" -v t="$two" -v i2="$img2" -v n="$N" -v kb="$du_img" 'BEGIN {
    printf "  %-28s %9.1f samples/s  (1.00x)\n", "features only, 1 job", b
    printf "  %-28s %9.1f samples/s  (%.2fx)\n", "features only, 2 jobs", t, t / b
    printf "  %-28s %9.1f samples/s  (%.2fx)\n", "with 640x480 images, 1 job", i, i / b
    printf "  %-28s %9.1f samples/s  (%.2fx)\n", "with 640x480 images, 2 jobs", i2, i2 / b
    printf "  image folder: %.1f KiB per sample\n", kb / n
    printf "  9000 samples with images, 1 job: about %.0f s\n", 9000 / i
}'
