package dev.modernbert.spark.executor;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * libtorch intra-op threads for an executor's CPU runner. All tasks of an executor share one runner
 * per device, so the runner may use all the executor's cores without oversubscribing: tasks only
 * tokenize on their own threads while the runner computes. It must not use more: two executors on
 * one machine that each start a thread per machine core slow both down about tenfold (libtorch's
 * OpenMP threads spin waiting for each other).
 */
public final class ExecutorThreads {
  private static final Pattern LOCAL = Pattern.compile("local(?:-cluster)?\\[(\\d+|\\*)(?:,.*)?]");

  private ExecutorThreads() {}

  /** Threads for this JVM: from the numThreads param, else the executor's cores. */
  public static int resolve(int requested) {
    SparkEnv env = SparkEnv.get();
    SparkConf conf = env == null ? null : env.conf();
    String cores = conf == null ? null : conf.get("spark.executor.cores", null);
    String master = conf == null ? null : conf.get("spark.master", null);
    List<String> args = List.of(ProcessHandle.current().info().arguments().orElse(new String[0]));
    return resolve(
        requested, backendCores(args), cores, master, Runtime.getRuntime().availableProcessors());
  }

  /**
   * {@code requested} when positive; else the cores this executor JVM was started with ({@code
   * backendCores}); else {@code spark.executor.cores}; else, in local mode, the N of {@code
   * local[N]}; else the available processors. The default is never more than the available
   * processors.
   */
  public static int resolve(
      int requested, Integer backendCores, String executorCores, String master, int available) {
    if (requested > 0) {
      return requested;
    }
    int threads;
    if (backendCores != null) {
      threads = backendCores;
    } else if (executorCores != null && !executorCores.isBlank()) {
      threads = Integer.parseInt(executorCores.trim());
    } else if (master != null && LOCAL.matcher(master.trim()).matches()) {
      Matcher m = LOCAL.matcher(master.trim());
      m.matches();
      threads = m.group(1).equals("*") ? available : Integer.parseInt(m.group(1));
    } else if (master != null && master.trim().equals("local")) {
      threads = 1;
    } else {
      threads = available;
    }
    return Math.max(1, Math.min(threads, available));
  }

  /**
   * The {@code --cores N} of an executor backend's command line ({@code
   * CoarseGrainedExecutorBackend} in standalone mode, its YARN and Kubernetes subclasses): the
   * cores the cluster manager granted this executor. Spark passes them there only, not in {@code
   * spark.executor.cores} (unset by default in standalone mode, where a Worker of 1 core on a
   * 16-core machine starts executors of 1 core). Null when this JVM is not an executor backend.
   */
  static Integer backendCores(List<String> jvmArguments) {
    int main = -1;
    for (int i = 0; i < jvmArguments.size(); i++) {
      if (jvmArguments.get(i).endsWith("ExecutorBackend")) {
        main = i;
        break;
      }
    }
    if (main < 0) {
      return null;
    }
    for (int i = main + 1; i + 1 < jvmArguments.size(); i++) {
      if (jvmArguments.get(i).equals("--cores")) {
        try {
          return Integer.parseInt(jvmArguments.get(i + 1).trim());
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }
}
