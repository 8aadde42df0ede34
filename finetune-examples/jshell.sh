#!/usr/bin/env bash
# Starts JShell with finetune and its runtime dependencies on the class path.
#
#   finetune-examples/jshell.sh                                           # interactive session
#   finetune-examples/jshell.sh finetune-examples/src/main/jshell/sst2.jsh  # run a script
#   JSH_TRAIN_SIZE=64 finetune-examples/jshell.sh -R-Djsh.layers=2 finetune-examples/src/main/jshell/sst2.jsh
#
# Builds the modules finetune-examples needs (mvn package, tests skipped), asks Maven for their
# runtime class path, then runs jshell with it. Arguments go to jshell unchanged; JShell runs
# snippets in a second JVM, whose options take -R (-R-Xmx8g, -R-Djsh.epochs=1).
# Environment: FINETUNE_MVN_ARGS adds Maven arguments (e.g. "-o" to stay offline); a private local
# repository works through MAVEN_OPTS="-Dmaven.repo.local=DIR".
set -euo pipefail
examples="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$examples")"
classpath_file="$examples/target/jshell.classpath"

# Each module of the build writes its own target/jshell.classpath; finetune-examples' is the one
# used. Sibling modules appear as their freshly packaged jars.
# shellcheck disable=SC2086 # FINETUNE_MVN_ARGS is a list of arguments
(cd "$root" && mvn -B -ntp -q ${FINETUNE_MVN_ARGS:-} -pl finetune-examples -am package \
  dependency:build-classpath -DskipTests -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/jshell.classpath) >&2
if [ ! -s "$classpath_file" ]; then
  echo "jshell.sh: Maven wrote no class path to $classpath_file; run the mvn command above without -q to see why" >&2
  exit 1
fi
classpath="$examples/target/classes:$(cat "$classpath_file")"
# ai.djl.offline: the PyTorch native library comes from the pytorch-native-cpu jar, never a download.
exec jshell --class-path "$classpath" -R-Dai.djl.offline=true -R-Xmx4g "$@"
