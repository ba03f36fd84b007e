#!/usr/bin/env bash
# Spark cluster scale check: N rows with W2 lengths (docs/workloads.md, Workloads.w2Lengths) through
# EmbedJob on a local Spark standalone cluster (a Master and WORKERS Workers of 1 core on
# 127.0.0.1, the same set-up as the integration tests), with the demo model. Records rows/s,
# tokens/s (from _SUMMARY.json) and each executor's peak memory (VmHWM of the executor JVMs,
# sampled every 2 s; RSS and committed Java heap every 20 s, in rss-heap.samples).
#
#   bench/scale-check.sh [N=100000] [WORKERS=2] [PARTITIONS=32]
#
# GLIBC_DEFAULTS=1 leaves glibc's malloc at its defaults in the executors (and no periodic trim)
# instead of the settings of bin/native-memory.sh (the control run in docs/performance.md).
# NMT=1 runs the executors with -XX:NativeMemoryTracking=summary and records every 60 s what the
# JVM itself holds, per category (jcmd VM.native_memory, in nmt.samples), so that native memory
# can be split into the JVM's own (code cache, metaspace, GC, threads ...) and the rest (libtorch,
# the tokenizer, glibc's free lists); bench/scale-memory.py prints the split per executor.
#
# Needs a build: mvn -B verify (or mvn -B -DskipTests package, then
# mvn -B -pl integration-tests -am -DskipTests verify, which assembles
# integration-tests/target/spark-home/jars). Results go to target/scale-check/.
set -euo pipefail
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-100000}"
workers="${2:-2}"
partitions="${3:-32}"
home="$root/integration-tests/target/spark-home"
jar="$(ls "$root"/jobs/target/modernbert-spark-jobs-*.jar | grep -v original | head -1)"
[ -d "$home/jars" ] || { echo "no $home/jars: build first (see the header)" >&2; exit 1; }
out="$root/target/scale-check"
rm -rf "$out"; mkdir -p "$out"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mapfile -t jvm < <(grep -v '^\s*$' "$root/docs/spark-jvm-options.txt")
malloc_vars=(MALLOC_MMAP_THRESHOLD_ MALLOC_TRIM_THRESHOLD_ MALLOC_TOP_PAD_) # bin/native-memory.sh's
malloc_conf=()
trim_opt=""
if [ "${GLIBC_DEFAULTS:-0}" = 1 ]; then
  unset "${malloc_vars[@]}"
else
  # shellcheck source=../bin/native-memory.sh
  source "$root/bin/native-memory.sh" # the executors get the same values through spark.executorEnv
  for v in "${malloc_vars[@]}"; do
    malloc_conf+=(--conf "spark.executorEnv.$v=${!v}")
  done
  trim_opt="$NATIVE_TRIM_OPT -Xlog:trimnative=info" # the log line goes to the executors' stdout
fi
nmt_opt=""
[ "${NMT:-0}" = 1 ] && nmt_opt="-XX:NativeMemoryTracking=summary"
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1

echo "generating $n rows (W2 lengths) ..."
"$java" -cp "$jar" "$root/bench/ScaleCheckData.java" "$n" "$out/input" 8 | tee "$out/data.txt"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
samplers=()
cleanup() {
  [ "${#samplers[@]}" -gt 0 ] && kill -9 "${samplers[@]}" 2> /dev/null || true
  for p in "${pids[@]}"; do
    pkill -9 -P "$p" 2> /dev/null || true   # the executors (children of this worker)
    kill -9 "$p" 2> /dev/null || true
  done
}
trap cleanup EXIT
mport="$(port)"
"$java" "${jvm[@]}" -Xmx256m -cp "$home/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$mport" --webui-port "$(port)" > "$out/master.log" 2>&1 &
pids+=($!)
until grep -qs "elected leader" "$out/master.log"; do sleep 0.5; done
for i in $(seq 1 "$workers"); do
  mkdir -p "$out/worker-$i"
  "$java" "${jvm[@]}" -Xmx256m -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 3g --port "$(port)" --webui-port "$(port)" \
    --work-dir "$out/worker-$i" "spark://127.0.0.1:$mport" > "$out/worker-$i.log" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 "$workers"); do
  until grep -qs "Successfully registered" "$out/worker-$i.log"; do sleep 0.5; done
done

# Samplers, each in the background: every PERIOD seconds, FN PID SECONDS for each executor JVM
# (SECONDS since the sampler started); FN prints nothing for an executor that is starting or gone.
sample_executors() {
  local period="$1" fn="$2" t0 p
  t0=$(date +%s)
  while true; do
    for p in $(pgrep -f CoarseGrainedExecutorBackend || true); do
      "$fn" "$p" $(( $(date +%s) - t0 )) || true # set -e: a gone executor must not end the sampler
    done
    sleep "$period"
  done
}
status_kib() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$2/status" 2> /dev/null || true; }

# Every 2 s, "pid KiB": VmHWM (peak resident set) of every executor JVM.
peak_sample() {
  local hwm; hwm="$(status_kib VmHWM "$1")"
  [ -n "$hwm" ] && echo "$1 $hwm"
}
sample_executors 2 peak_sample > "$out/vmhwm.samples" &
samplers+=($!)
# Every 20 s, "seconds pid rss-KiB heap-KiB": resident set and committed Java heap (jstat), so that
# the native part (RSS - heap) can be told apart from G1 growing the heap towards spark.executor.memory.
heap_sample() {
  local rss heap
  rss="$(status_kib VmRSS "$1")"
  heap="$(jstat -gc "$1" 2> /dev/null | awk 'NR == 2 {printf "%.0f", $1 + $2 + $5 + $7}' || true)"
  [ -n "$rss" ] && [ -n "$heap" ] && echo "$2 $1 $rss $heap"
}
sample_executors 20 heap_sample > "$out/rss-heap.samples" &
samplers+=($!)
# NMT=1, every 60 s: "seconds pid category committed-KiB" for each category the JVM tracks
# (category "Total" = all of them) and the resident set ("RSS", read again so that it shares the
# timestamp); RSS - Total = native memory the JVM does not track. bench/scale-memory.py summarises
# them with the trim log.
nmt_sample() {
  local rss; rss="$(status_kib VmRSS "$1")"
  [ -n "$rss" ] && echo "$2 $1 RSS $rss"
  jcmd "$1" VM.native_memory summary 2> /dev/null | awk -v t="$2" -v p="$1" '
    /^Total: / {match($0, /committed=[0-9]+KB/); print t, p, "Total", substr($0, RSTART + 10, RLENGTH - 12)}
    /^-  +[A-Za-z].*\(reserved=/ {
      name = $0; sub(/^- +/, "", name); sub(/ +\(reserved=.*/, "", name); gsub(/ /, "_", name)
      match($0, /committed=[0-9]+KB/); print t, p, name, substr($0, RSTART + 10, RLENGTH - 12)
    }' || true
}
if [ -n "$nmt_opt" ]; then
  sample_executors 60 nmt_sample > "$out/nmt.samples" &
  samplers+=($!)
fi
opts="${jvm[*]}"
start=$(date +%s)
"$java" "${jvm[@]}" -Xmx1g -Dlog4j2.configurationFile="$root/conf/log4j2.properties" \
  -cp "$home/jars/*" org.apache.spark.deploy.SparkSubmit \
  --master "spark://127.0.0.1:$mport" --conf spark.ui.enabled=false \
  --conf spark.driver.host=127.0.0.1 --conf spark.executor.memory=2g \
  "${malloc_conf[@]}" \
  --conf "spark.executor.extraJavaOptions=$opts $trim_opt $nmt_opt" --conf "spark.driver.extraJavaOptions=$opts" \
  --class dev.modernbert.jobs.EmbedJob "$jar" \
  --input "$out/input" --output "$out/output" --model demo --pooling mean \
  --partitions "$partitions" 2>&1 | tee "$out/submit.log" | grep -v '^\s*at ' | tail -40
rc=${PIPESTATUS[0]}
kill "${samplers[@]}" 2> /dev/null || true
echo "exit code $rc, $(( $(date +%s) - start )) s"
echo "peak memory per executor (VmHWM, MiB):"
sort -k1,1n -k2,2n "$out/vmhwm.samples" | awk '{m[$1]=($2>m[$1]?$2:m[$1])} END {for (p in m) printf "  executor pid %s: %.0f MiB\n", p, m[p]/1024}' | tee "$out/peak-memory.txt"
echo "per executor, peak over the 20 s samples (MiB): RSS, committed Java heap, RSS - heap (native):"
awk '{r[$2] = ($3 > r[$2] ? $3 : r[$2]); h[$2] = ($4 > h[$2] ? $4 : h[$2]); n = $3 - $4; x[$2] = (n > x[$2] ? n : x[$2])}
  END {for (p in r) printf "  executor pid %s: %.0f, %.0f, %.0f\n", p, r[p] / 1024, h[p] / 1024, x[p] / 1024}' \
  "$out/rss-heap.samples" | tee -a "$out/peak-memory.txt"
exit "$rc"
