package dev.modernbert.encoder.task;

import java.util.List;

/** A task's values, one per sequence in input order, and what computing them cost. */
public record TaskResult<V>(List<V> values, BatchStats stats) {}
