package dev.modernbert.spark.executor;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * libtorch intra-op threads for an executor's CPU runner. All tasks of an executor share one runner
 * per device, so the runner may use all the executor's cores without oversubscribing: tasks only
 * tokenize on their own threads while the runner computes.
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
    return resolve(requested, cores, master, Runtime.getRuntime().availableProcessors());
  }

  /**
   * {@code requested} when positive; else {@code spark.executor.cores}; else, in local mode, the N
   * of {@code local[N]}; else the available processors. The default is never more than the
   * available processors.
   */
  public static int resolve(int requested, String executorCores, String master, int available) {
    if (requested > 0) {
      return requested;
    }
    int threads;
    if (executorCores != null && !executorCores.isBlank()) {
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
}
