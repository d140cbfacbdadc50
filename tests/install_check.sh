#!/usr/bin/env bash
# Installs the build into a scratch prefix and builds docs/example against it
# twice, through find_package(rena) and through pkg-config, then runs both:
# predict (rena-core) and backends (rena-sim + rena-hw: the MuJoCo face and
# the servo bus on its emulator).
set -euo pipefail
build=$1 src=$2
prefix=$(mktemp -d /tmp/rena-install-XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test -f "$prefix/include/rena/model.h"
test -f "$prefix/share/rena/scenes/face.xml"

cmake -S "$src/docs/example" -B "$prefix/example" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/example" >/dev/null
"$prefix/example/predict" > "$prefix/cmake.out"
scene="$prefix/share/rena/scenes/face.xml"
"$prefix/example/backends" "$scene" > "$prefix/cmake-backends.out"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig"
cc -std=c11 -Wall -Werror -o "$prefix/predict-pc" "$src/docs/example/predict.c" \
   $(pkg-config --cflags --libs rena-core)
"$prefix/predict-pc" > "$prefix/pc.out"
cc -std=c11 -Wall -Werror -o "$prefix/backends-pc" "$src/docs/example/backends.c" \
   $(pkg-config --cflags --libs rena-sim rena-hw)
"$prefix/backends-pc" "$scene" > "$prefix/pc-backends.out"

# Both builds must print 25 servo lines with values inside [0,1], identically.
test "$(wc -l < "$prefix/cmake.out")" -eq 25
awk '{ if ($2 < 0 || $2 > 1) exit 1 }' "$prefix/cmake.out"
cmp "$prefix/cmake.out" "$prefix/pc.out"
# backends: the MuJoCo version, then 25 positions from each face, each
# within 0.02 of the same servo on the other face (both hold neutral). The
# simulation is deterministic; the emulated horns stop anywhere within the
# settle tolerance, so only the sim lines must match between the builds.
for out in "$prefix/cmake-backends.out" "$prefix/pc-backends.out"; do
    head -1 "$out" | grep -Eq '^mujoco [0-9]+\.[0-9]+\.[0-9]+$'
    test "$(grep -c '^sim ' "$out")" -eq 25
    test "$(grep -c '^hw ' "$out")" -eq 25
    awk '$1 == "sim" { s[$2] = $3 } $1 == "hw" { h[$2] = $3 }
         END { for (i = 0; i < 25; i++) { d = s[i] - h[i]
               if (!(i in s) || !(i in h) || d > 0.02 || d < -0.02) exit 1 } }' "$out"
done
cmp <(grep -v '^hw ' "$prefix/cmake-backends.out") <(grep -v '^hw ' "$prefix/pc-backends.out")
echo "install check: find_package and pkg-config builds of rena-core, rena-sim and rena-hw agree"
