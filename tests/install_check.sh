#!/usr/bin/env bash
# Installs the build into a scratch prefix and builds docs/example against it
# twice, through find_package(rena) and through pkg-config, then runs both.
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

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig"
cc -std=c11 -Wall -Werror -o "$prefix/predict-pc" "$src/docs/example/predict.c" \
   $(pkg-config --cflags --libs rena-core)
"$prefix/predict-pc" > "$prefix/pc.out"

# Both builds must print 25 servo lines with values inside [0,1], identically.
test "$(wc -l < "$prefix/cmake.out")" -eq 25
awk '{ if ($2 < 0 || $2 > 1) exit 1 }' "$prefix/cmake.out"
cmp "$prefix/cmake.out" "$prefix/pc.out"
echo "install check: find_package and pkg-config builds agree"
