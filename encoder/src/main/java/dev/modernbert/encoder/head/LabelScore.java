package dev.modernbert.encoder.head;

/** A label with its score. */
public record LabelScore(String label, float score) {}
