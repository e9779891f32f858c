#!/bin/sh
# Runs the interceptor micro-benchmark: ./bench.sh BUILD_DIR [ITERATIONS]
set -e
b=${1:-build}
"$b/bench/icpt_bench" "$b/glibc/libtelltale.so" ${2:-200000}
