#!/usr/bin/env bash
# Builds the benchmarks module and the modules it needs (offline, tests skipped, nothing
# installed into ~/.m2) and prints its run-time class path: target/classes first, then the
# sibling modules' jars and the dependencies. Used by run-jmh.sh and compare.sh.
#
#   CP=$(bash benchmarks/build-classpath.sh)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ "${SKIP_BUILD:-0}" != "1" ]; then
  mvn -B -ntp -q -o -pl benchmarks -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt >&2
fi
echo "$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"
