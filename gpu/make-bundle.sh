#!/usr/bin/env bash
# Builds gpu/bundle/ (git-ignored) for gpu/check.sh on a GPU machine without a JDK or network:
#   jre.tar.xz      a jlink'd Java runtime (the modules the project needs)
#   lib/*.jar       the project's jars (main and test classes) and their runtime dependencies,
#                   minus the CPU libtorch and ONNX Runtime (the machine's own libtorch is used);
#                   the tokenizers jar keeps only its linux-x86_64 native library
#   native/cu128/libdjl_torch.so   DJL's CUDA JNI, from the pytorch-jni 2.7.1-0.35.1 jar
#   MANIFEST.txt    what is in it, with sizes
# Usage (from anywhere, on this JDK 17 build machine, offline):  gpu/make-bundle.sh
# It builds with the reactor (mvn package, never install) so the jars are this checkout's.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/gpu/bundle
M2=${M2_REPO:-$HOME/.m2/repository}
DJL_JNI_JAR=$M2/ai/djl/pytorch/pytorch-jni/2.7.1-0.35.1/pytorch-jni-2.7.1-0.35.1.jar
for f in "$DJL_JNI_JAR"; do
  [[ -f $f ]] || { echo "make-bundle: missing $f (fetch it with mvn dependency:get, online)" >&2; exit 2; }
done
command -v jlink >/dev/null || { echo "make-bundle: jlink not found: use a JDK 17+, not a JRE" >&2; exit 2; }

rm -rf "$B"
mkdir -p "$B/lib" "$B/native/cu128"
cd "$ROOT"
# one reactor invocation, so copy-dependencies takes this checkout's module jars, not ~/.m2's
nice -n 10 mvn -B -ntp -o -q package dependency:copy-dependencies -DskipTests -Djacoco.skip=true \
  -pl finetune-peft,benchmarks,finetune-examples -am \
  -DincludeScope=test -DoutputDirectory="$B/lib" -Dmdep.useRepositoryLayout=false
for m in finetune-core finetune-peft finetune-schedules finetune-experiments finetune-examples benchmarks finetune-test-support; do
  cp "$m"/target/"$m"-*[0-9T].jar "$B/lib/" 2>/dev/null || true
  if [[ -d $m/target/test-classes ]] && ! ls "$B"/lib/"$m"-*-tests.jar >/dev/null 2>&1; then
    (cd "$m/target/test-classes" && jar cf "$B/lib/$m-tests.jar" .)
  fi
done
# not needed there: the CPU libtorch (the machine has its own), ONNX Runtime, Spark, fuzzing, the
# embedded MiniLM (83 MB; the GPU grid uses random weights), ByteBuddy (AssertJ's proxies only),
# plots and JMH
rm -f "$B"/lib/pytorch-native-cpu-*.jar "$B"/lib/onnxruntime-*.jar "$B"/lib/spark-*.jar \
  "$B"/lib/jazzer-*.jar "$B"/lib/*-sources.jar "$B"/lib/langchain4j-embeddings-*.jar \
  "$B"/lib/byte-buddy-*.jar "$B"/lib/xchart-*.jar "$B"/lib/jmh-*.jar "$B"/lib/jopt-simple-*.jar \
  "$B"/lib/commons-math3-*.jar
# the tokenizers jar carries native libraries for every platform: keep linux-x86_64's
python3 - "$B"/lib/tokenizers-*.jar <<'PY'
import os, sys, zipfile
for path in sys.argv[1:]:
    tmp = path + ".tmp"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename.startswith("native/lib/") and "/linux-x86_64/" not in item.filename \
                    and item.filename.count("/") > 2:
                continue
            dst.writestr(item, src.read(item.filename))
    os.replace(tmp, path)
PY
unzip -p "$DJL_JNI_JAR" jnilib/linux-x86_64/cu128/libdjl_torch.so > "$B/native/cu128/libdjl_torch.so"
unzip -p "$DJL_JNI_JAR" jnilib/pytorch.properties > "$B/native/pytorch.properties"

# the JRE: the modules the library, DJL and JUnit use (jdeps over the jars adds java.desktop for
# the plots of finetune-experiments and java.compiler for JMH, neither used on the GPU machine)
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.management
rm -rf "$B/jre"
jlink --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$B/jre"
tar -C "$B" -cJf "$B/jre.tar.xz" jre
rm -rf "$B/jre"
{
  echo "built $(date -u +%FT%TZ) from $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo '+changes')"
  echo "jre modules: $MODULES"
  (cd "$B" && du -ab jre.tar.xz native lib | sort -k2)
  echo "total: $(du -sb "$B" | cut -f1) bytes"
} > "$B/MANIFEST.txt"
cat "$B/MANIFEST.txt" | tail -3
