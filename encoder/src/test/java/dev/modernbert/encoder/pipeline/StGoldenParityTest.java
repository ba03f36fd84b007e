package dev.modernbert.encoder.pipeline;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.testing.StFixture;
import dev.modernbert.encoder.testing.TestDevice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every case of every {@code st-*} fixture equals sentence-transformers 5.7: the ids the model saw
 * (prompt, truncation at the folder's limit) and the vector, alone and batched; 1e-5 on normalised
 * vectors, 1e-4 otherwise.
 */
class StGoldenParityTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"st-mean-normalize", "st-cls-dense", "st-modes"})
  void everyCaseAloneAndBatched(String fixture) {
    StFixture f = StFixture.open(fixture);
    try (ModernBertEncoder enc = ModernBertEncoder.load(f.dir, TestDevice.options())) {
      boolean pipelineNormalizes = enc.pipeline().normalizes();
      for (Map.Entry<String, List<StFixture.Case>> e : f.byCase().entrySet()) {
        List<StFixture.Case> cases = e.getValue();
        Embed task = cases.get(0).task();
        List<String> texts = cases.stream().map(c -> f.texts.get(c.id())).toList();
        List<float[]> batched = enc.runTexts(task, texts).values();
        for (int i = 0; i < cases.size(); i++) {
          StFixture.Case c = cases.get(i);
          String what = fixture + " " + c.name() + " " + c.id();
          assertArrayEquals(c.inputIds(), task.tokenize(enc, texts.get(i)).ids(), what + " ids");
          boolean unit = c.normalize() || (pipelineNormalizes && c.truncateDim() == 0);
          double tol = unit ? 1e-5 : 1e-4;
          float[] alone = enc.runTexts(task, List.of(texts.get(i))).values().get(0);
          assertClose(c.embedding(), alone, tol, what + " alone");
          assertClose(c.embedding(), batched.get(i), tol, what + " batched");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"st-mean-normalize", "st-cls-dense", "st-modes"})
  void theFolderLimitIsTheDefaultMaxLength(String fixture) {
    StFixture f = StFixture.open(fixture);
    int want =
        switch (fixture) {
          case "st-mean-normalize" -> 64; // sentence_bert_config.json, below the tokenizer's 128
          case "st-cls-dense" -> 48; // tokenizer_config.json model_max_length (5.7 layout)
          default -> 96;
        };
    try (ModernBertEncoder enc = ModernBertEncoder.load(f.dir, TestDevice.options())) {
      assertEquals(want, enc.maxLength());
    }
    try (ModernBertEncoder enc =
        ModernBertEncoder.load(f.dir, TestDevice.options().withMaxLength(20))) {
      assertEquals(20, enc.maxLength(), "a given maxLength wins");
    }
  }
}
