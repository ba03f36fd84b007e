package dev.modernbert.spark.ml;

import static dev.modernbert.spark.testing.SparkTesting.frame;
import static dev.modernbert.spark.testing.SparkTesting.spark;
import static dev.modernbert.spark.testing.SparkTesting.toFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.modernbert.encoder.testing.Assertions;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.testing.StFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModernBertEmbedder} on the st-modes sentence-transformers folder (five pooling modes,
 * include_prompt false, a default prompt) equals sentence-transformers 5.7 for promptName, an
 * explicit empty prompt and truncateDim; the new Params survive save and load.
 */
class ModernBertEmbedderSentenceTransformersTest {
  private static final StFixture ST_MODES = StFixture.at(Golden.resource("golden/st-modes"));

  @TempDir Path tmp;

  private static void assertCase(
      String caseName, double tol, UnaryOperator<ModernBertEmbedder> set) {
    List<StFixture.Case> cases = ST_MODES.byCase().get(caseName);
    List<String> texts = new ArrayList<>();
    cases.forEach(c -> texts.add(ST_MODES.texts.get(c.id())));
    ModernBertEmbedder e =
        set.apply(
            new ModernBertEmbedder().setModelPath(ST_MODES.dir.toString()).setSortWindowRows(4));
    List<Row> rows = e.transform(frame(texts, 2)).select("id", "embedding").collectAsList();
    assertEquals(cases.size(), rows.size());
    for (Row r : rows) {
      StFixture.Case c = cases.get((int) r.getLong(0));
      Assertions.assertClose(c.embedding(), toFloats(r.get(1)), tol, caseName + " " + c.id());
    }
  }

  @Test
  void promptNameEmptyPromptAndTruncateDimEqualSentenceTransformers() {
    assertCase("default", 1e-4, e -> e);
    assertCase("prompt_name=query", 1e-4, e -> e.setPromptName("query"));
    assertCase("prompt_name=classification", 1e-4, e -> e.setPromptName("classification"));
    assertCase("prompt=empty", 1e-4, e -> e.setPrompt(""));
    assertCase("truncate_dim=40", 1e-4, e -> e.setTruncateDim(40));
    assertCase("truncate_dim=40+normalize", 1e-5, e -> e.setTruncateDim(40).setNormalize(true));
  }

  @Test
  void newParamsPersist() throws Exception {
    spark(); // the writer uses the active session
    String path = tmp.resolve("stage").toString();
    new ModernBertEmbedder()
        .setModelPath("demo")
        .setPrompt("")
        .setPromptName("query")
        .setTruncateDim(8)
        .setPooling("weightedmean")
        .save(path);
    ModernBertEmbedder back = ModernBertEmbedder.load(path);
    assertEquals("", back.getPrompt(), "an explicit empty prompt stays set");
    assertEquals("query", back.getPromptName());
    assertEquals(8, back.getTruncateDim());
    assertEquals("weightedmean", back.getPooling());
    assertNull(new ModernBertEmbedder().getPrompt(), "no prompt unless one is set");
  }
}
