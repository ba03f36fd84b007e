package dev.modernbert.spark.executor;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Picks the device of a task from its Spark resources. Spark's GPU scheduling
 * (spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount and a discovery script) gives
 * each task the addresses of its GPUs; the first address is the CUDA ordinal the task uses. So
 * several GPUs per node, and several executors per node, each use the GPUs Spark assigned them.
 *
 * <ul>
 *   <li>{@code cpu}: always the CPU.
 *   <li>{@code cuda}: the task's first GPU address; a task without a GPU resource fails with a
 *       message naming the Spark settings.
 *   <li>{@code cuda:N}: that ordinal, whatever Spark assigned (for single-GPU machines).
 *   <li>{@code auto}: the task's GPU when it has one, else the CPU.
 * </ul>
 *
 * dtype {@code auto} is float16 on a GPU and float32 on the CPU.
 */
public final class DeviceResolver {
  public static final String GPU_RESOURCE = "gpu";

  private DeviceResolver() {}

  /** The GPU addresses Spark assigned to the running task (empty outside a task or without). */
  public static List<String> taskGpus() {
    TaskContext ctx = TaskContext.get();
    if (ctx == null) {
      return List.of();
    }
    Map<String, ResourceInformation> resources = ctx.resourcesJMap();
    ResourceInformation gpu = resources == null ? null : resources.get(GPU_RESOURCE);
    return gpu == null ? List.of() : List.of(gpu.addresses());
  }

  /** Resolves the {@code device} and {@code dtype} params against a task's GPU addresses. */
  public static ResolvedDevice resolve(String device, String dtype, List<String> gpuAddresses) {
    String d = device == null ? "auto" : device.trim().toLowerCase(Locale.ROOT);
    String resolved;
    if (d.equals("cpu")) {
      resolved = "cpu";
    } else if (d.equals("cuda") || d.equals("gpu")) {
      if (gpuAddresses.isEmpty()) {
        throw new IllegalStateException(
            "device=cuda but this task has no GPU resource: set spark.executor.resource.gpu.amount,"
                + " spark.task.resource.gpu.amount (and a GPU discovery script), or use device=auto"
                + " to fall back to the CPU");
      }
      resolved = "cuda:" + ordinal(gpuAddresses.get(0));
    } else if (d.startsWith("cuda:")) {
      resolved = "cuda:" + ordinal(d.substring(5));
    } else if (d.equals("auto")) {
      resolved = gpuAddresses.isEmpty() ? "cpu" : "cuda:" + ordinal(gpuAddresses.get(0));
    } else {
      throw new IllegalArgumentException(
          "bad device \"" + device + "\": expected auto, cpu, cuda or cuda:N");
    }
    String t = dtype == null ? "auto" : dtype.trim().toLowerCase(Locale.ROOT);
    String resolvedType =
        switch (t) {
          case "auto" -> resolved.equals("cpu") ? "float32" : "float16";
          case "float32", "float16" -> t;
          default ->
              throw new IllegalArgumentException(
                  "bad dtype \"" + dtype + "\": expected auto, float32 or float16");
        };
    return new ResolvedDevice(resolved, resolvedType);
  }

  private static int ordinal(String address) {
    try {
      int n = Integer.parseInt(address.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "GPU address \""
              + address
              + "\" is not a CUDA ordinal (the GPU discovery script must report 0, 1, ...)");
    }
  }
}
