package dev.modernbert.encoder.labels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.demo.TinyHeadCheckpoint;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.testing.Assertions;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.weights.HeadKind;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** problem_type, id2label and head checks on tiny generated checkpoints and the goldens. */
class ClassifyProblemTypesTest {
  @TempDir Path tmp;

  static final List<String> TEXTS =
      List.of("the river runs through the old city", "snow", "spark jobs read data");

  private List<SequenceClassification> classify(Path dir) {
    try (ModernBertEncoder enc = ModernBertEncoder.load(dir, EncoderOptions.defaults())) {
      return enc.classify(TEXTS.stream().map(t -> enc.tokenize(t).ids()).toList());
    }
  }

  @Test
  void multiLabelScoresAreIndependentSigmoids() {
    List<String> labels = List.of("sports", "politics", "tech");
    Path dir =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, labels)
            .problemType("multi_label_classification")
            .forcedBias(2f, 1f, -3f)
            .seed(7)
            .write(tmp.resolve("multi"));
    for (SequenceClassification c : classify(dir)) {
      assertEquals(ProblemType.MULTI_LABEL, c.problemType());
      Assertions.assertClose(new float[] {2f, 1f, -3f}, c.logits(), 1e-5, "forced logits");
      float sum = 0;
      for (int i = 0; i < 3; i++) {
        assertEquals(1 / (1 + Math.exp(-c.logits()[i])), c.scores()[i], 1e-6, "sigmoid " + i);
        sum += c.scores()[i];
      }
      assertTrue(sum > 1.5f, "independent sigmoids need not sum to 1: " + sum);
      assertEquals("sports", c.label());
      assertEquals(c.scores()[0], c.score());
      assertEquals(List.of("sports", "politics"), c.activeLabels(), "scores >= 0.5");
      assertEquals("politics", c.top(2).get(1).label());
    }
    // Random classifier weights: still one sigmoid per logit, row by row.
    Path random =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, labels)
            .problemType("multi_label_classification")
            .seed(8)
            .write(tmp.resolve("multi-random"));
    for (SequenceClassification c : classify(random)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(1 / (1 + Math.exp(-c.logits()[i])), c.scores()[i], 1e-6);
        assertEquals(c.scores()[i] >= 0.5f, c.activeLabels().contains(labels.get(i)));
      }
    }
  }

  @Test
  void oneLabelWithoutProblemTypeIsRegressionWithTheRawValue() {
    Path dir =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, List.of("stars"))
            .seed(9)
            .write(tmp.resolve("reg"));
    List<SequenceClassification> out = classify(dir);
    for (SequenceClassification c : out) {
      assertEquals(ProblemType.REGRESSION, c.problemType());
      assertEquals("stars", c.label());
      assertEquals(1, c.logits().length);
      assertEquals(c.logits()[0], c.score(), "score is the raw value");
      assertArrayEquals(c.logits(), c.scores());
      assertEquals(List.of(), c.activeLabels());
    }
    assertTrue(out.get(0).score() != out.get(1).score(), "values depend on the text");
  }

  @Test
  void explicitRegressionWithSeveralOutputsKeepsRawValues() {
    Path dir =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, List.of("valence", "arousal"))
            .problemType("regression")
            .forcedBias(-0.5f, 3.25f)
            .seed(10)
            .write(tmp.resolve("reg2"));
    for (SequenceClassification c : classify(dir)) {
      assertEquals(ProblemType.REGRESSION, c.problemType());
      Assertions.assertClose(new float[] {-0.5f, 3.25f}, c.scores(), 1e-5, "raw values");
      assertEquals("arousal", c.label());
      assertEquals(3.25f, c.score(), 1e-5);
    }
  }

  @Test
  void singleLabelNamesComeFromId2labelOrFallBackToLabelI() {
    Path named =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, List.of("cat", "dog", "bird"))
            .problemType("single_label_classification")
            .forcedBias(0f, 0f, 1f)
            .seed(11)
            .write(tmp.resolve("named"));
    for (SequenceClassification c : classify(named)) {
      assertEquals("bird", c.label());
      assertEquals(2, c.labelIndex());
      double e = Math.E;
      assertEquals(e / (2 + e), c.score(), 1e-6);
      assertEquals(List.of("cat", "dog", "bird"), c.labelNames());
      assertEquals(List.of("bird", "cat"), c.top(2).stream().map(LabelScore::label).toList());
    }
    List<String> none = Arrays.asList(null, null);
    Path unnamed =
        TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, none)
            .forcedBias(-1f, 1f)
            .seed(12)
            .write(tmp.resolve("unnamed"));
    for (SequenceClassification c : classify(unnamed)) {
      assertEquals(ProblemType.SINGLE_LABEL, c.problemType(), "two labels: single-label");
      assertEquals("LABEL_1", c.label());
      assertEquals(List.of("LABEL_0", "LABEL_1"), c.labelNames());
    }
  }

  @Test
  void labelNamesFallBackPerMissingIndex() {
    Map<Integer, String> m = new HashMap<>();
    m.put(0, "neg");
    m.put(2, "pos");
    LabelNames names = new LabelNames(m);
    assertEquals("neg", names.name(0));
    assertEquals("LABEL_1", names.name(1));
    assertEquals("pos", names.name(2));
  }

  @Test
  void problemTypeResolution() {
    assertEquals(ProblemType.REGRESSION, ProblemType.resolve(null, 1));
    assertEquals(ProblemType.SINGLE_LABEL, ProblemType.resolve(null, 3));
    assertEquals(ProblemType.MULTI_LABEL, ProblemType.resolve("multi_label_classification", 1));
    assertEquals(ProblemType.SINGLE_LABEL, ProblemType.resolve("single_label_classification", 2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ProblemType.resolve("ranking", 2));
    assertTrue(e.getMessage().contains("ranking"), e.getMessage());
  }

  @Test
  void classifyOnAnMlmCheckpointNamesTheHeadItHas() {
    try (Golden g = Golden.open(Golden.MAIN);
        ModernBertEncoder enc = ModernBertEncoder.load(g.dir, EncoderOptions.defaults())) {
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> enc.classify(g.sequences()));
      assertTrue(e.getMessage().contains("ModernBertForSequenceClassification"), e.getMessage());
      assertTrue(e.getMessage().contains("masked-language-model head"), e.getMessage());
      CheckpointException t =
          assertThrows(CheckpointException.class, () -> enc.tokenClassify(g.sequences()));
      assertTrue(t.getMessage().contains("ModernBertForTokenClassification"), t.getMessage());
    }
    try (Golden g = Golden.open(Golden.SEQCLS);
        ModernBertEncoder enc = ModernBertEncoder.load(g.dir, EncoderOptions.defaults())) {
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> enc.tokenClassify(g.sequences()));
      assertTrue(e.getMessage().contains("sequence-classification head"), e.getMessage());
    }
  }

  @Test
  void embedOnAClassifierCheckpointUsesItsEncoder() {
    // The seqcls fixture's encoder is tiny-modernbert's bit for bit, so embeddings must agree.
    List<float[]> fromClassifier;
    List<float[]> fromMlm;
    try (Golden g = Golden.open(Golden.SEQCLS);
        ModernBertEncoder enc = ModernBertEncoder.load(g.dir, EncoderOptions.defaults())) {
      fromClassifier = enc.embed(g.sequences(), Pooling.CLS, true);
    }
    try (Golden g = Golden.open(Golden.MAIN);
        ModernBertEncoder enc = ModernBertEncoder.load(g.dir, EncoderOptions.defaults())) {
      fromMlm = enc.embed(g.sequences(), Pooling.CLS, true);
    }
    for (int i = 0; i < fromMlm.size(); i++) {
      Assertions.assertClose(fromMlm.get(i), fromClassifier.get(i), 1e-6, "seq" + i);
    }
  }
}
