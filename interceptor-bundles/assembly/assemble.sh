#!/usr/bin/env bash
# Packs the native build into downloadable bundles, reproducibly (sorted entries, fixed times
# and owners, gzip without names or times), and writes SHA256SUMS beside them.
#   assemble.sh NATIVE_BUILD_DIR OUT_DIR
set -euo pipefail
build=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
for libc in glibc musl; do
  name=telltale-agent-linux-x86_64-$libc
  root=$stage/$name
  mkdir -p "$root/bin" "$root/lib"
  for f in "$build/$libc/telltale" "$build/$libc/libtelltale.so"; do
    [ -f "$f" ] || { echo "assemble: missing $f (run make -C interceptor-bundles/native all)" >&2; exit 1; }
  done
  install -m 0755 "$build/$libc/telltale" "$root/bin/telltale"
  install -m 0644 "$build/$libc/libtelltale.so" "$root/lib/libtelltale.so"
  sed "s/LIBC/$libc/g" "$here/README.txt" > "$root/README.txt"
  install -m 0644 "$here/LICENSE.txt" "$root/LICENSE.txt"
  find "$root" -exec touch -h -d @0 {} +
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -C "$stage" -cf - "$name" \
    | gzip -n -9 > "$out/$name.tar.gz"
done
(cd "$out" && sha256sum telltale-agent-linux-x86_64-*.tar.gz > SHA256SUMS)
echo "bundles in $out:"
cat "$out/SHA256SUMS"
