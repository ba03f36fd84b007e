package dev.modernbert.encoder.labels;

import java.util.Map;

/** Class index to label name: config.json's {@code id2label}, else HF's {@code LABEL_i}. */
public final class LabelNames {
  private final Map<Integer, String> id2label;

  public LabelNames(Map<Integer, String> id2label) {
    this.id2label = Map.copyOf(id2label);
  }

  public String name(int index) {
    String name = id2label.get(index);
    return name != null ? name : "LABEL_" + index;
  }
}
