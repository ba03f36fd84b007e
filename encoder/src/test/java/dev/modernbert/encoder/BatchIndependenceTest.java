package dev.modernbert.encoder;

import static dev.modernbert.encoder.testing.Assertions.assertClose;

import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.testing.Golden;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same row gives the same vector, within 1e-5, whatever else is in its batch. */
class BatchIndependenceTest {

  @ParameterizedTest(name = "pooling {0}")
  @ValueSource(strings = {"cls", "mean"})
  void rowVectorDoesNotDependOnItsBatch(String pooling) {
    try (Golden g = Golden.open(Golden.MAIN)) {
      List<int[]> seqs = new ArrayList<>(g.sequences());
      Random r = new Random(9);
      for (int len : new int[] {511, 256, 33, 2, 90}) {
        int[] s = r.ints(len, 5, 500).toArray();
        s[0] = 500;
        s[len - 1] = 501;
        seqs.add(s);
      }
      Pooling p = Pooling.parse(pooling);
      List<float[]> alone = new ArrayList<>();
      try (ModernBertEncoder enc = ModernBertEncoder.load(g.dir, EncoderOptions.defaults())) {
        for (int[] s : seqs) {
          alone.add(enc.embed(List.of(s), p, false).get(0));
        }
      }
      for (int budget : new int[] {1, 300, 1024, 100_000}) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < seqs.size(); i++) {
          order.add(i);
        }
        Collections.shuffle(order, new Random(budget));
        List<int[]> shuffled = order.stream().map(seqs::get).toList();
        try (ModernBertEncoder enc =
            ModernBertEncoder.load(g.dir, EncoderOptions.defaults().withBatchTokens(budget))) {
          List<float[]> together = enc.embed(shuffled, p, false);
          for (int i = 0; i < order.size(); i++) {
            assertClose(
                alone.get(order.get(i)),
                together.get(i),
                1e-5,
                "row " + order.get(i) + " budget " + budget);
          }
        }
      }
    }
  }
}
