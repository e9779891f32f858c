#!/usr/bin/env bash
# Packs the native build into downloadable bundles, reproducibly (sorted entries, fixed times
# and owners, gzip without names or times), and writes SHA256SUMS beside them.
#   assemble.sh NATIVE_BUILD_DIR OUT_DIR [JAVA_AGENT_JAR]
# The Java agent jar (interceptor-bundles/java-agent) goes to lib/java/ when it is built;
# naming it explicitly makes it required.
set -euo pipefail
build=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
java_agent=${3:-}
if [ -n "$java_agent" ] && [ ! -f "$java_agent" ]; then
  echo "assemble: missing $java_agent (build interceptor-bundles/java-agent)" >&2
  exit 1
fi
if [ -z "$java_agent" ] && [ -f "$here/../java-agent/target/telltale-java-agent.jar" ]; then
  java_agent=$here/../java-agent/target/telltale-java-agent.jar
fi
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
  if [ -n "$java_agent" ]; then
    mkdir -p "$root/lib/java"
    install -m 0644 "$java_agent" "$root/lib/java/telltale-java-agent.jar"
  fi
  sed "s/LIBC/$libc/g" "$here/README.txt" > "$root/README.txt"
  install -m 0644 "$here/LICENSE.txt" "$root/LICENSE.txt"
  find "$root" -exec touch -h -d @0 {} +
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -C "$stage" -cf - "$name" \
    | gzip -n -9 > "$out/$name.tar.gz"
done
(cd "$out" && sha256sum telltale-agent-linux-x86_64-*.tar.gz > SHA256SUMS)
# Reproducible means byte for byte: pack once more and compare.
if [ -z "${TT_ASSEMBLE_AGAIN:-}" ]; then
  again=$(mktemp -d)
  TT_ASSEMBLE_AGAIN=1 "$0" "$build" "$again" $java_agent > /dev/null
  if ! diff -q "$out/SHA256SUMS" "$again/SHA256SUMS" > /dev/null; then
    echo "assemble: a second packing differs; the bundles are not reproducible" >&2
    rm -rf "$again"
    exit 1
  fi
  rm -rf "$again"
fi
echo "bundles in $out:"
cat "$out/SHA256SUMS"
