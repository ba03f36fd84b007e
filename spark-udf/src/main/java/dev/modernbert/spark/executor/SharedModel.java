package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;

/** An encoder loaded on an executor and its device runner, shared by the executor's tasks. */
public record SharedModel(ModernBertEncoder encoder, DeviceRunner runner) {}
