package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.modernbert.encoder.testing.Assertions;
import dev.modernbert.encoder.testing.StFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code encode} on a sentence-transformers folder: prompts and Matryoshka flags, vs golden. */
class EncodeSentenceTransformersTest {
  @TempDir Path tmp;

  private Path input(StFixture f) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, String> e : f.texts.entrySet()) {
      JsonObject o = new JsonObject();
      o.addProperty("id", e.getKey());
      o.addProperty("text", e.getValue());
      lines.add(o.toString());
    }
    return Files.write(tmp.resolve("in.jsonl"), lines, StandardCharsets.UTF_8);
  }

  /** {@code encode} of the fixture's texts into {@code out}, small batches, with {@code flags}. */
  private MainTest.Result encode(StFixture f, Path out, String... flags) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "encode",
                "--model",
                f.dir.toString(),
                "--input",
                input(f).toString(),
                "--output",
                out.toString(),
                "--batch-tokens",
                "200"));
    args.addAll(List.of(flags));
    return MainTest.run(args.toArray(new String[0]));
  }

  private void assertCase(StFixture f, String caseName, double tol, String... flags)
      throws IOException {
    Path out = tmp.resolve(caseName.replace('=', '_').replace('+', '_') + ".jsonl");
    MainTest.Result r = encode(f, out, flags);
    assertEquals(0, r.code(), r.err());
    List<JsonObject> rows = MainTest.readLines(out);
    List<StFixture.Case> cases = f.byCase().get(caseName);
    assertEquals(cases.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(cases.get(i).id(), rows.get(i).get("id").getAsString());
      Assertions.assertClose(
          cases.get(i).embedding(),
          MainTest.floats(rows.get(i).getAsJsonArray("embedding")),
          tol,
          caseName + " " + cases.get(i).id());
    }
  }

  @Test
  void promptNameTruncateDimAndEmptyPromptMatchSentenceTransformers() throws IOException {
    StFixture modes = StFixture.open("st-modes");
    assertCase(modes, "default", 1e-4);
    assertCase(modes, "prompt_name=query", 1e-4, "--prompt-name", "query");
    assertCase(modes, "prompt=empty", 1e-4, "--prompt", "");
    assertCase(modes, "truncate_dim=40+normalize", 1e-5, "--truncate-dim", "40", "--normalize");
    StFixture mean = StFixture.open("st-mean-normalize");
    assertCase(mean, "prompt_name=document", 1e-5, "--prompt-name", "document");
    assertCase(mean, "prompt=explicit", 1e-5, "--prompt", "Represent this sentence: ");
  }

  @Test
  void unknownPromptNameFailsBeforeAnyRowNamingThePrompts() throws IOException {
    StFixture f = StFixture.open("st-modes");
    Path out = tmp.resolve("out.jsonl");
    MainTest.Result r = encode(f, out, "--prompt-name", "search");
    assertEquals(Main.EXIT_USAGE, r.code(), r.err()); // a usage error, like a wrong head
    assertTrue(r.err().contains("unknown prompt name \"search\""), r.err());
    assertTrue(r.err().contains("classification, document, query"), r.err());
    assertTrue(Files.notExists(out));
    r = encode(f, out, "--pooling", "none", "--prompt-name", "query");
    assertEquals(Main.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains("--prompt-name needs a pooled embedding"), r.err());
  }
}
