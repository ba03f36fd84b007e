package dev.modernbert.encoder.task;

import java.util.ArrayList;
import java.util.List;

/**
 * One sequence's or text's result: a value, or nothing for a null text, or the reason it failed.
 */
public record Outcome<V>(V value, String error) {
  public static <V> Outcome<V> of(V value) {
    return new Outcome<>(value, null);
  }

  public static <V> Outcome<V> failed(String reason) {
    return new Outcome<>(null, reason);
  }

  /** Every value as a successful outcome, in order. */
  public static <V> List<Outcome<V>> allOf(List<V> values) {
    List<Outcome<V>> out = new ArrayList<>(values.size());
    values.forEach(v -> out.add(of(v)));
    return out;
  }

  public boolean failed() {
    return error != null;
  }
}
