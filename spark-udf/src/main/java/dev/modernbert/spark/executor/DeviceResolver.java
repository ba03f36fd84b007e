package dev.modernbert.spark.executor;

import dev.modernbert.encoder.runtime.DeviceSpec;
import java.util.List;
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
 * dtype {@code auto} is float16 on a GPU and float32 on the CPU; {@code bfloat16} (CPU products in
 * bf16) is checked against the CPU when the model loads.
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
    DeviceSpec d = DeviceSpec.parse(device == null ? "auto" : device);
    String resolved =
        switch (d.kind()) {
          case CPU -> "cpu";
          case CUDA -> {
            if (d.ordinal() >= 0) {
              yield "cuda:" + d.ordinal();
            }
            if (gpuAddresses.isEmpty()) {
              throw new IllegalStateException(
                  "device=cuda but this task has no GPU resource: set"
                      + " spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount (and a"
                      + " GPU discovery script), or use device=auto to fall back to the CPU");
            }
            yield "cuda:" + ordinal(gpuAddresses.get(0));
          }
          case AUTO -> gpuAddresses.isEmpty() ? "cpu" : "cuda:" + ordinal(gpuAddresses.get(0));
        };
    return new ResolvedDevice(resolved, DeviceSpec.dtype(dtype, !resolved.equals("cpu")));
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
