package dev.modernbert.encoder.labels;

/** A label with its score. */
public record LabelScore(String label, float score) {}
