package dev.modernbert.spark.executor;

/** One row's result: a value, or nothing for a null text, or the reason it failed. */
public record Outcome<V>(V value, String error) {
  public static <V> Outcome<V> of(V value) {
    return new Outcome<>(value, null);
  }

  public static <V> Outcome<V> failed(String reason) {
    return new Outcome<>(null, reason);
  }

  public boolean failed() {
    return error != null;
  }
}
