# Sourced by the launchers in bin/ before they start a JVM that runs libtorch.
#
# glibc serves every allocation above its mmap threshold (128 KiB, adapting up to 32 MiB) with
# fresh pages from the kernel and unmaps them on free, so each batch's activations and attention
# intermediates (16-72 MiB on ModernBERT-base) are page-faulted and zeroed again, batch after batch.
# Serving them from the heap and never trimming it back keeps the pages: on the 2-core development
# machine W1 ran 7-8 % faster and system time fell from 12 s to 2 s (docs/performance.md, "Native
# memory"). A single run's peak is unchanged (the peak of one batch either way), but glibc keeps and
# fragments the freed memory, so a long-lived process creeps up (Spark executors: about +20 % from
# 100k to 1M rows). NATIVE_TRIM_OPT makes the JVM call malloc_trim every 10 s (HotSpot's
# -XX:TrimNativeHeapInterval, JDK 17.0.9+ and 21.0.1+; older JVMs ignore it under Spark's
# -XX:+IgnoreUnrecognizedVMOptions): freed memory no batch touches goes back to the kernel, and the
# pages batches do reuse are faulted in once per 10 s instead of once per batch. Values the caller
# already exported win; on a cluster, set the MALLOC_* values as spark.executorEnv.* and the trim in
# spark.executor.extraJavaOptions (conf/spark-defaults.cpu.conf).
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-4294967296}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"
NATIVE_TRIM_OPT="${NATIVE_TRIM_OPT--XX:TrimNativeHeapInterval=10000}"
