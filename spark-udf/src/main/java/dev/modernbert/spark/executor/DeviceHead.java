package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;
import java.util.List;

/**
 * What the {@link DeviceRunner} computes for a kind of request: a batch function (the encoder's
 * {@link ModernBertEncoder.BatchReader}) over the encoder's {@code last_hidden_state}. Requests
 * whose heads are {@code equals} share batches, so implementations are value objects (records).
 *
 * @param <A> a per-sequence argument (for example mask positions), or {@code Void}
 * @param <V> what the reader gives back per sequence
 */
public interface DeviceHead<A, V> {
  /**
   * The reader for one run over a group of sequences; {@code args.get(m)} is sequence {@code m}'s
   * argument (the encoder passes member indices into that group).
   */
  ModernBertEncoder.BatchReader<V> reader(ModernBertEncoder encoder, List<A> args);
}
