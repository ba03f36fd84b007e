package dev.modernbert.encoder.progress;

/** What a running job has done so far. */
public record ProgressCounts(long rows, long tokens, long errorRows) {}
