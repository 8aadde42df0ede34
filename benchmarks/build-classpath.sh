#!/usr/bin/env bash
# Builds the benchmarks module and the modules it needs (tests skipped, nothing installed into
# ~/.m2) and prints its run-time class path: target/classes first, then the sibling modules' jars
# and the dependencies. Used by run-jmh.sh and compare.sh.
#
#   CP=$(bash benchmarks/build-classpath.sh)
#   FINETUNE_MVN_ARGS=-o CP=$(bash benchmarks/build-classpath.sh)        # stay offline
#
# Maven runs online by default, so a fresh clone with an empty local repository downloads the
# dependencies and the plugins (maven-dependency-plugin included) on the first run.
# Environment: FINETUNE_MVN_ARGS adds Maven arguments (e.g. "-o" to stay offline, as in
# finetune-examples/jshell.sh); a private local repository works through
# MAVEN_OPTS="-Dmaven.repo.local=DIR"; SKIP_BUILD=1 reuses the last build's class path.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CLASSPATH_FILE="$ROOT/benchmarks/target/classpath.txt"
if [ "${SKIP_BUILD:-0}" != "1" ]; then
  rm -f "$CLASSPATH_FILE"
  # shellcheck disable=SC2086 # FINETUNE_MVN_ARGS is a list of arguments
  mvn -B -ntp -q ${FINETUNE_MVN_ARGS:-} -pl benchmarks -am -DskipTests package \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
fi
if [ ! -s "$CLASSPATH_FILE" ]; then
  echo "build-classpath.sh: no class path in $CLASSPATH_FILE; run without SKIP_BUILD=1, or run" \
    "the mvn command above without -q to see why" >&2
  exit 1
fi
echo "$ROOT/benchmarks/target/classes:$(cat "$CLASSPATH_FILE")"
