#!/bin/sh
# Test driver of the telltale launcher/forwarder (make test). Needs BUILD (absolute) with
# glibc/telltale and musl/telltale built. Runs the C unit tests, then test_forwarder.py
# (launcher behaviour; end to end against a real appliance when its jar is built).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
native=$(cd "$here/../.." && pwd)
: "${BUILD:=$native/build}"
: "${CC:=gcc}"
mkdir -p "$BUILD/tests"
cd "$native"
fwd=forwarder
$CC -std=c11 -Wall -Wextra -Werror -O1 -g -pthread -o "$BUILD/tests/fwd-unit" "$here/unit.c" \
    $fwd/spool.c $fwd/util.c $fwd/log.c $fwd/redact.c $fwd/pbread.c $fwd/config.c $fwd/cli.c $fwd/frames.c \
    $fwd/hostenv.c $fwd/hostenv_cache.c $fwd/hostenv_lang.c $fwd/identity.c $fwd/launch.c \
    common/tt_wire.c -lcrypto
$CC -std=c11 -Wall -Wextra -Werror -O2 -o "$BUILD/tests/chanbench" "$here/chanbench.c"
# the shared-memory ring (common/tt_ring.h), as built by each C library
$CC -std=gnu11 -Wall -Wextra -Werror -O2 -g -pthread -o "$BUILD/tests/ring-test" "$here/ring_test.c"
unit_rc=0
"$BUILD/tests/fwd-unit" || unit_rc=$?
"$BUILD/tests/ring-test" || unit_rc=$?
if command -v "${CC_MUSL:-musl-gcc}" >/dev/null 2>&1; then
    "${CC_MUSL:-musl-gcc}" -std=gnu11 -Wall -Wextra -Werror -O2 -g -pthread -o "$BUILD/tests/ring-test-musl" "$here/ring_test.c"
    "$BUILD/tests/ring-test-musl" || unit_rc=$?
fi
BUILD="$BUILD" python3 "$here/test_forwarder.py" "$@"
exit $unit_rc
