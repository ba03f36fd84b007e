package dev.modernbert.spark.executor;

import dev.modernbert.encoder.runtime.DeviceSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the device of a task from its Spark resources. Spark's GPU scheduling
 * (spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount and a discovery script) gives
 * each task the addresses of its GPUs; the first address is the CUDA ordinal the task uses. So
 * several GPUs per node, and several executors per node, each use the GPUs Spark assigned them.
 *
 * <p><b>Addresses are CUDA ordinals of the executor's process</b>: {@code 0..n-1} for the n GPUs
 * the process sees, whatever the node calls them. Under {@code CUDA_VISIBLE_DEVICES=2,3} the
 * process's GPUs are {@code cuda:0} and {@code cuda:1}, so the discovery script must report {@code
 * ["0","1"]}, not the physical ids {@code ["2","3"]} nor UUIDs; {@code conf/gpu-discovery.sh} does.
 * An address that is not a non-negative integer, or (when {@code CUDA_VISIBLE_DEVICES} is set) not
 * below the number of GPUs it makes visible, is refused with a message naming that script, before
 * any model loads.
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

  /** The environment variable that numbers a process's GPUs (its entries become 0..n-1). */
  public static final String CUDA_VISIBLE_DEVICES = "CUDA_VISIBLE_DEVICES";

  private static final Logger LOG = LoggerFactory.getLogger(DeviceResolver.class);

  /** The (address, device) pairs already logged by this JVM: one line each, not one per task. */
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

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

  /**
   * Resolves the {@code device} and {@code dtype} params against a task's GPU addresses (CUDA
   * ordinals of this process, checked against this process's {@code CUDA_VISIBLE_DEVICES}).
   */
  public static ResolvedDevice resolve(String device, String dtype, List<String> gpuAddresses) {
    return resolve(device, dtype, gpuAddresses, System.getenv(CUDA_VISIBLE_DEVICES));
  }

  /**
   * As {@link #resolve(String, String, List)}, with the process's {@code CUDA_VISIBLE_DEVICES}
   * given ({@code null}: not set, so every GPU of the node is visible and any ordinal may exist).
   */
  static ResolvedDevice resolve(
      String device, String dtype, List<String> gpuAddresses, String cudaVisibleDevices) {
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
            yield fromAddress(gpuAddresses.get(0), cudaVisibleDevices);
          }
          case AUTO ->
              gpuAddresses.isEmpty() ? "cpu" : fromAddress(gpuAddresses.get(0), cudaVisibleDevices);
        };
    return new ResolvedDevice(resolved, DeviceSpec.dtype(dtype, !resolved.equals("cpu")));
  }

  /** {@code cuda:N} for a Spark GPU address, logged once per JVM and address. */
  private static String fromAddress(String address, String cudaVisibleDevices) {
    String resolved = "cuda:" + ordinal(address, cudaVisibleDevices);
    if (LOGGED.add(address + "->" + resolved)) {
      LOG.info(
          "Spark GPU address {} -> device {} (addresses are CUDA ordinals of this process; {}={})",
          address,
          resolved,
          CUDA_VISIBLE_DEVICES,
          cudaVisibleDevices == null ? "<not set>" : "\"" + cudaVisibleDevices + "\"");
    }
    return resolved;
  }

  /**
   * The CUDA ordinal a Spark GPU address names: a non-negative decimal integer and, when {@code
   * CUDA_VISIBLE_DEVICES} is set, below the number of GPUs it makes visible.
   */
  static int ordinal(String address, String cudaVisibleDevices) {
    String a = address == null ? "" : address.trim();
    int n = -1;
    if (!a.isEmpty() && a.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        n = Integer.parseInt(a);
      } catch (NumberFormatException tooLarge) {
        n = -1;
      }
    }
    if (n < 0) {
      throw new IllegalStateException(
          "GPU address \""
              + address
              + "\" is not a CUDA ordinal: Spark GPU addresses must be the CUDA ordinals of the"
              + " executor's process (0, 1, ..., never physical ids or GPU UUIDs); use"
              + " conf/gpu-discovery.sh as spark.executor.resource.gpu.discoveryScript and"
              + " spark.worker.resource.gpu.discoveryScript");
    }
    if (cudaVisibleDevices != null) {
      int visible = visibleCount(cudaVisibleDevices);
      if (n >= visible) {
        String seen =
            visible == 0
                ? "hides every GPU from it"
                : visible == 1
                    ? "makes 1 GPU visible to it (cuda:0)"
                    : "makes "
                        + visible
                        + " GPUs visible to it (cuda:0..cuda:"
                        + (visible - 1)
                        + ")";
        throw new IllegalStateException(
            "GPU address \""
                + address
                + "\" is not a CUDA ordinal of this executor: "
                + CUDA_VISIBLE_DEVICES
                + "=\""
                + cudaVisibleDevices
                + "\" "
                + seen
                + " (the discovery script likely reported physical ids); use"
                + " conf/gpu-discovery.sh, which reports this process's ordinals, as"
                + " spark.executor.resource.gpu.discoveryScript and"
                + " spark.worker.resource.gpu.discoveryScript");
      }
    }
    return n;
  }

  /**
   * How many GPUs {@code CUDA_VISIBLE_DEVICES} makes visible, as CUDA counts them (and as
   * conf/gpu-discovery.sh does): the comma-separated entries (spaces ignored) up to the first empty
   * one or the first that starts with {@code -} (such as -1); an empty value hides every GPU.
   */
  static int visibleCount(String cudaVisibleDevices) {
    int count = 0;
    for (String e : cudaVisibleDevices.replace(" ", "").split(",", -1)) {
      if (e.isEmpty() || e.startsWith("-")) {
        break;
      }
      count++;
    }
    return count;
  }
}
