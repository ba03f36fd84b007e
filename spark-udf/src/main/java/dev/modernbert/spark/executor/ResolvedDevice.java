package dev.modernbert.spark.executor;

import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.Precision;

/**
 * A task's concrete device ({@code cpu} or {@code cuda:N}) and the precision it computes in.
 *
 * @param device concrete ({@link DeviceSpec#isConcrete})
 * @param precision what the model computes in
 */
public record ResolvedDevice(DeviceSpec device, Precision precision) {}
