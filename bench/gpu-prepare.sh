#!/usr/bin/env bash
# bench/gpu-prepare.sh: builds .gpu/ (git-ignored), what bench/gpu-check.sh needs on a GPU machine
# that has Python torch but no JDK and no internet (docs/gpu.md, "A first run on a GPU machine").
#
#   mvn -B -o -q -pl encoder -DskipTests package      # the encoder jar and encoder/target/lib
#   DJL_SRC=/path/to/djl bash bench/gpu-prepare.sh    # DJL_SRC: a DJL git repository (bare or not)
#
# .gpu/ then holds:
#   lib/        the encoder jar and its runtime jars, WITHOUT pytorch-native-cpu and pytorch-jni
#               (the GPU machine's torch and a JNI built there replace them); tokenizers keeps
#               only its linux-x86_64 native
#   jre.tar.xz  a jlink'ed Java runtime (the GPU image has no JDK)
#   jni/        jni.h and linux/jni_md.h, to compile DJL's JNI there
#   djl/        DJL v0.35.1's native sources (engines/pytorch/pytorch-native, api/src/main/native)
#               and the JNI header javac -h writes from PyTorchLibrary.java (build/include)
#   tiny.jsonl  the input_ids of golden/tiny-modernbert/inputs.json, one line per sequence
#   jni-prebuilt/<version>-<flavor>/libdjl_torch.so  (optional) the JNI built here for the GPU
#               machine's torch, used there when step B cannot build one (no compiler): give
#               TORCH_DIR=<an unpacked torch wheel of that version>/torch to build it here
#               (bench/gpu/build-jni.sh, route 2, about 15 CPU-minutes), or PREBUILT_JNI=<a .so
#               built that way> with PREBUILT_FOR=<version>-<flavor> (e.g. 2.11.0-cu130) to copy it
# and the size check: .gpu/ plus the git tree must stay under 64 MiB.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
DJL_TAG="${DJL_TAG:-v0.35.1}"
DJL_SRC="${DJL_SRC:-${1:-/work/.mirror/deepjavalibrary+djl/repo}}"
GPU="$root/.gpu"
LIMIT_MIB=64
# jlink's modules: java.base plus what the encoder, DJL (JNA, logging, JMX for CudaUtils' callers)
# and gson/commons use; checked by running this JRE on the CPU (gpu-check.sh --cpu-dry-run).
JRE_MODULES="${JRE_MODULES:-java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported,jdk.zipfs,jdk.management}"

die() {
  echo "gpu-prepare: $*" >&2
  exit 1
}

jar="$(ls encoder/target/modernbert-encoder-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' -e '-javadoc' | head -1 || true)"
[ -n "$jar" ] && [ -d encoder/target/lib ] \
  || die "the encoder is not built: run  mvn -B -o -q -pl encoder -DskipTests package  first"
[ -n "${JAVA_HOME:-}" ] || JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
[ -f "$JAVA_HOME/include/jni.h" ] || die "no JDK at JAVA_HOME=$JAVA_HOME (jni.h missing): set JAVA_HOME"
command -v zip >/dev/null || die "zip is needed (to strip tokenizers' other platforms)"

if git --git-dir="$DJL_SRC" rev-parse --verify -q "$DJL_TAG^{commit}" >/dev/null 2>&1; then
  djl_git=(git --git-dir="$DJL_SRC")
elif git -C "$DJL_SRC" rev-parse --verify -q "$DJL_TAG^{commit}" >/dev/null 2>&1; then
  djl_git=(git -C "$DJL_SRC")
else
  die "no DJL repository with tag $DJL_TAG at DJL_SRC=$DJL_SRC. Give one: a clone of
  github.com/deepjavalibrary/djl (bare is fine), e.g.  git clone --bare <djl repo> /tmp/djl.git
  then  DJL_SRC=/tmp/djl.git bash bench/gpu-prepare.sh"
fi

rm -rf "$GPU"
mkdir -p "$GPU/lib" "$GPU/jni" "$GPU/djl"

# lib/: no CPU libtorch, no prebuilt JNI; tokenizers for linux-x86_64 only
cp "$jar" "$GPU/lib/"
for j in encoder/target/lib/*.jar; do
  case "$(basename "$j")" in
    pytorch-native-cpu-* | pytorch-jni-*) ;;
    *) cp "$j" "$GPU/lib/" ;;
  esac
done
tok="$(ls "$GPU"/lib/tokenizers-*.jar)"
# only other platforms' folders: native/lib/tokenizers.properties must stay (DJL's Platform reads it)
others="$(unzip -Z1 "$tok" | grep -E '^native/lib/[^/]+/' | grep -v '^native/lib/linux-x86_64/' \
  | grep -v '/$' || true)"
if [ -n "$others" ]; then
  # shellcheck disable=SC2086
  zip -q -d "$tok" $others
fi
unzip -Z1 "$tok" | grep -q '^native/lib/linux-x86_64/.*tokenizers' \
  || die "$tok lost its linux-x86_64 native"
unzip -Z1 "$tok" | grep -qx 'native/lib/tokenizers.properties' \
  || die "$tok lost native/lib/tokenizers.properties"

# jre.tar.xz
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$JAVA_HOME/bin/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-man-pages \
  --no-header-files --compress=2 --output "$tmp/jre"
tar -C "$tmp" -cf - jre | xz -6 -T0 > "$GPU/jre.tar.xz"

# jni/
cp "$JAVA_HOME/include/jni.h" "$GPU/jni/"
cp -r "$JAVA_HOME/include/linux" "$GPU/jni/"

# djl/: the native sources of the tag, and the JNI header from its PyTorchLibrary.java
"${djl_git[@]}" archive "$DJL_TAG" engines/pytorch/pytorch-native/CMakeLists.txt \
  engines/pytorch/pytorch-native/src/main/native api/src/main/native \
  engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java \
  | tar -x -C "$GPU/djl"
native="$GPU/djl/engines/pytorch/pytorch-native"
mkdir -p "$native/build/include" "$tmp/classes"
"$JAVA_HOME/bin/javac" -h "$native/build/include" -d "$tmp/classes" \
  "$GPU/djl/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
[ -f "$native/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ] || die "javac -h wrote no header"
echo "$DJL_TAG $("${djl_git[@]}" rev-parse "$DJL_TAG^{commit}")" > "$GPU/djl/VERSION"

# tiny.jsonl: the golden inputs as input_ids lines (ids seq0..seq5)
python3 - "$root/encoder/src/test/resources/golden/tiny-modernbert/inputs.json" "$GPU/tiny.jsonl" <<'PY'
import json, sys
ids = json.load(open(sys.argv[1]))["input_ids"]
with open(sys.argv[2], "w") as f:
    for i, seq in enumerate(ids):
        f.write(json.dumps({"id": "seq%d" % i, "input_ids": seq}) + "\n")
PY

# jni-prebuilt/: optional
if [ -n "${TORCH_DIR:-}" ]; then
  tv="$(sed -n "s/^__version__ = '\(.*\)'$/\1/p" "$TORCH_DIR/version.py")"
  PREBUILT_FOR="${tv%%+*}-${tv##*+}"
  PREBUILT_JNI="$tmp/libdjl_torch.so"
  ROUTE=direct bash "$root/bench/gpu/build-jni.sh" "$TORCH_DIR" "$GPU/djl" "$GPU/jni" "$PREBUILT_JNI" \
    || die "the JNI did not build against $TORCH_DIR"
fi
if [ -n "${PREBUILT_JNI:-}" ]; then
  [ -n "${PREBUILT_FOR:-}" ] || die "PREBUILT_JNI needs PREBUILT_FOR=<torch version>-<flavor>, e.g. 2.11.0-cu130"
  mkdir -p "$GPU/jni-prebuilt/$PREBUILT_FOR"
  cp "$PREBUILT_JNI" "$GPU/jni-prebuilt/$PREBUILT_FOR/libdjl_torch.so"
  echo "gpu-prepare: prebuilt JNI for torch $PREBUILT_FOR"
fi

# size: .gpu/ plus the tracked tree
gpu_kib=$(du -sk "$GPU" | cut -f1)
tree_kib=$(( $(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) / 1024 ))
du -sh "$GPU"/*
du -sh "$GPU"
total_kib=$(( gpu_kib + tree_kib ))
echo "gpu-prepare: .gpu ${gpu_kib} KiB + git tree ${tree_kib} KiB = $(( total_kib / 1024 )) MiB (limit ${LIMIT_MIB} MiB)"
[ "$total_kib" -lt $(( LIMIT_MIB * 1024 )) ] || die "over ${LIMIT_MIB} MiB: the carry would be refused"
echo "gpu-prepare: ready. Check it on the CPU:  bash bench/gpu-check.sh --cpu-dry-run"
