package dev.modernbert.encoder.cli;

import static dev.modernbert.encoder.cli.MainTest.readLines;
import static dev.modernbert.encoder.cli.MainTest.run;
import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.encoder.testing.Assertions.flatten;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.modernbert.encoder.cli.MainTest.Result;
import dev.modernbert.encoder.colbert.MaxSim;
import dev.modernbert.encoder.testing.ColbertGolden;
import dev.modernbert.encoder.testing.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code modernbert colbert}, called in-process, against the colbert fixture (PyLate 1.4.0). */
class ColbertCommandTest {
  static final ColbertGolden GOLDEN = ColbertGolden.open(Golden.resource("golden/colbert"));

  @TempDir Path tmp;

  Path input(String kind) throws IOException {
    List<String> lines = new ArrayList<>();
    for (ColbertGolden.Text t : GOLDEN.texts(kind)) {
      lines.add("{\"id\": \"" + t.id() + "\", \"text\": " + new JsonPrimitive(t.text()) + "}");
    }
    return Files.write(tmp.resolve(kind + ".jsonl"), lines, StandardCharsets.UTF_8);
  }

  /** Runs the command and returns each line's rows, checking the ids came back in order. */
  List<float[][]> colbert(String kind, String... flags) throws IOException {
    Path out = tmp.resolve(kind + "-out.jsonl");
    List<String> args =
        new ArrayList<>(
            List.of(
                "colbert",
                "--model",
                GOLDEN.dir.toString(),
                "--input",
                input(kind).toString(),
                "--output",
                out.toString(),
                "--batch-tokens",
                "40"));
    args.addAll(List.of(flags));
    Result r = run(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    List<JsonObject> lines = readLines(out);
    List<ColbertGolden.Text> texts = GOLDEN.texts(kind);
    assertEquals(texts.size(), lines.size());
    List<float[][]> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(texts.get(i).id(), lines.get(i).get("id").getAsString());
      rows.add(ColbertGolden.matrix(lines.get(i).getAsJsonArray("embeddings")));
    }
    return rows;
  }

  /** The command on the queries with {@code model}, writing out.jsonl, then {@code flags}. */
  Result refusedRun(Path model, String... flags) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "colbert",
                "--model",
                model.toString(),
                "--input",
                input("query").toString(),
                "--output",
                tmp.resolve("out.jsonl").toString()));
    args.addAll(List.of(flags));
    return run(args.toArray(String[]::new));
  }

  static String[] caseFlags(String kase) {
    return switch (kase) {
      case "no_expansion" -> new String[] {"--do-query-expansion", "false"};
      case "expansion_attend" ->
          new String[] {"--do-query-expansion", "true", "--attend-to-expansion-tokens", "true"};
      default ->
          new String[] {"--do-query-expansion", "true", "--attend-to-expansion-tokens", "false"};
    };
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"no_expansion", "expansion_attend", "expansion_no_attend"})
  void queriesDocumentsAndScoresMatchPylate(String kase) throws IOException {
    List<String> queryFlags = new ArrayList<>(List.of("--role", "query"));
    queryFlags.addAll(List.of(caseFlags(kase)));
    List<float[][]> queries = colbert("query", queryFlags.toArray(String[]::new));
    List<float[][]> documents = colbert("document", "--role", "document");
    for (int d = 0; d < documents.size(); d++) {
      ColbertGolden.Encoded g = GOLDEN.documents().get(d);
      assertEquals(g.rows().length, documents.get(d).length, g.id());
      assertClose(flatten(g.rows()), flatten(documents.get(d)), 1e-5, g.id());
    }
    boolean unattended = kase.equals("expansion_no_attend");
    for (int q = 0; q < queries.size(); q++) {
      ColbertGolden.Encoded g = GOLDEN.queries(kase).get(q);
      float[][] expected = ColbertGolden.withUnattendedRows(g, new float[16]);
      assertEquals(expected.length, queries.get(q).length, kase + " " + g.id());
      assertClose(flatten(expected), flatten(queries.get(q)), 1e-5, kase + " " + g.id());
      float[] want = new float[documents.size()];
      float[] got = new float[documents.size()];
      for (int d = 0; d < documents.size(); d++) {
        want[d] =
            unattended
                ? MaxSim.score(expected, GOLDEN.documents().get(d).rows())
                : GOLDEN.scores(kase).values()[q][d];
        got[d] = MaxSim.score(queries.get(q), documents.get(d));
      }
      assertClose(want, got, 1e-4, kase + " scores of " + g.id());
    }
  }

  @Test
  void rowsCutToTheRoleLengthAreMarkedTruncated() throws IOException {
    colbert("document", "--role", "document");
    List<JsonObject> lines = readLines(tmp.resolve("document-out.jsonl"));
    assertTrue(lines.get(0).has("truncated"), "d0 is cut to 24 ids");
    assertFalse(lines.get(2).has("truncated"), "d2 is whole");
  }

  @Test
  void aBadRoleIsAUsageError() throws IOException {
    Result r = refusedRun(GOLDEN.dir, "--role", "passage");
    assertEquals(Main.EXIT_USAGE, r.code());
    assertTrue(
        r.err().contains("--role: bad value \"passage\" (expected query, document)"), r.err());
    assertFalse(Files.exists(tmp.resolve("out.jsonl")));
  }

  @Test
  void aMissingRoleIsAUsageError() throws IOException {
    Result r = refusedRun(GOLDEN.dir);
    assertEquals(Main.EXIT_USAGE, r.code());
    assertTrue(
        r.err().contains("missing required flag --role: give --role query or --role document"),
        r.err());
    assertFalse(Files.exists(tmp.resolve("out.jsonl")));
  }

  @Test
  void aFolderThatIsNotPylateIsAUsageError() throws IOException {
    Result r = refusedRun(Golden.resource("golden/" + Golden.MAIN), "--role", "query");
    assertEquals(Main.EXIT_USAGE, r.code());
    assertTrue(r.err().contains("is not a PyLate ColBERT folder"), r.err());
    assertFalse(Files.exists(tmp.resolve("out.jsonl")));
  }

  @Test
  void helpNamesTheFlags() {
    Result r = run("colbert", "--help");
    assertEquals(0, r.code());
    for (String flag :
        List.of(
            "--role",
            "--query-length",
            "--document-length",
            "--do-query-expansion",
            "--attend-to-expansion-tokens")) {
      assertTrue(r.out().contains(flag), flag);
    }
  }
}
