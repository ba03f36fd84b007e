package dev.modernbert.spark.executor;

import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.DtypeSpec;
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
 * <p>The task's first GPU address is its GPU; what {@code auto}, {@code cuda} and {@code cuda:N}
 * then mean is {@link DeviceSpec#resolve}'s. dtype {@code auto} is float16 on a GPU and float32 on
 * the CPU; {@code bfloat16} (CPU products in bf16) is checked against the CPU when the model loads.
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
   * Resolves a stage's device and dtype against a task's GPU addresses (CUDA ordinals of this
   * process, checked against this process's {@code CUDA_VISIBLE_DEVICES}).
   */
  public static ResolvedDevice resolve(
      DeviceSpec device, DtypeSpec dtype, List<String> gpuAddresses) {
    return resolve(device, dtype, gpuAddresses, System.getenv(CUDA_VISIBLE_DEVICES));
  }

  /**
   * As {@link #resolve(DeviceSpec, DtypeSpec, List)}, with the process's {@code
   * CUDA_VISIBLE_DEVICES} given ({@code null}: not set, so every GPU of the node is visible and any
   * ordinal may exist). What {@code auto} and {@code cuda} mean is {@link DeviceSpec#resolve}'s; a
   * task's first GPU address is read only when the device needs it.
   */
  static ResolvedDevice resolve(
      DeviceSpec device, DtypeSpec dtype, List<String> gpuAddresses, String cudaVisibleDevices) {
    int gpu =
        device.isConcrete() || gpuAddresses.isEmpty()
            ? -1
            : fromAddress(gpuAddresses.get(0), cudaVisibleDevices);
    DeviceSpec resolved = device.resolve(DeviceSpec.Placement.task(gpu), () -> false);
    return new ResolvedDevice(resolved, dtype.on(resolved.isGpu()));
  }

  /** The CUDA ordinal of a Spark GPU address, logged once per JVM and address. */
  private static int fromAddress(String address, String cudaVisibleDevices) {
    int ordinal = ordinal(address, cudaVisibleDevices);
    String resolved = "cuda:" + ordinal;
    if (LOGGED.add(address + "->" + resolved)) {
      LOG.info(
          "Spark GPU address {} -> device {} (addresses are CUDA ordinals of this process; {}={})",
          address,
          resolved,
          CUDA_VISIBLE_DEVICES,
          cudaVisibleDevices == null ? "<not set>" : "\"" + cudaVisibleDevices + "\"");
    }
    return ordinal;
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
