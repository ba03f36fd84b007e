package dev.modernbert.spark.executor;

/**
 * A concrete device ({@code cpu} or {@code cuda:N}) and dtype ({@code float32}, {@code float16} or
 * {@code bfloat16}).
 */
public record ResolvedDevice(String device, String dtype) {}
