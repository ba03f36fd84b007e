package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobOptionsTest {
  @TempDir Path tmp;

  @Test
  void defaultsAndFlags() {
    JobOptions o =
        JobOptions.parse(
            new String[] {"--input", "in", "--output=out", "--normalize", "--batch-tokens", "64"});
    assertEquals("in", o.get("input"));
    assertEquals("out", o.get("output"));
    assertTrue(o.getBool("normalize"));
    assertEquals(64, o.getInt("batch-tokens"));
    assertEquals("text", o.get("text-col"));
    assertEquals("id", o.get("id-col"));
    assertEquals("parquet", o.get("output-format"));
    assertEquals("error", o.get("mode"));
    assertEquals("embed", o.get("task"));
    assertEquals(1024, o.getInt("sort-window-rows"));
    assertFalse(o.isSet("pooling"));
  }

  @Test
  void booleanTakesAnExplicitValueAndLaterFlagsWin() {
    JobOptions o =
        JobOptions.parse(
            new String[] {"--normalize", "false", "--mode", "append", "--mode", "overwrite"});
    assertFalse(o.getBool("normalize"));
    assertEquals("overwrite", o.get("mode"));
  }

  @Test
  void keepColsList() {
    JobOptions o = JobOptions.parse(new String[] {"--keep-cols", "a, b,,c"});
    assertEquals(List.of("a", "b", "c"), o.getList("keep-cols"));
  }

  @Test
  void confFileMergesUnderTheCommandLine() throws Exception {
    Path conf = tmp.resolve("job.properties");
    Files.writeString(
        conf, "# comment\nmodel=demo\npooling=mean\nbatch-tokens=128\nnormalize=true\n");
    JobOptions o =
        JobOptions.parse(new String[] {"--conf-file", conf.toString(), "--pooling", "cls"});
    assertEquals("demo", o.get("model"));
    assertEquals("cls", o.get("pooling")); // the flag wins
    assertEquals(128, o.getInt("batch-tokens"));
    assertTrue(o.getBool("normalize"));
  }

  @Test
  void theShippedTemplateParses() {
    Path template = Path.of("..", "conf", "embed-job.properties");
    JobOptions o = JobOptions.parse(new String[] {"--conf-file", template.toString()});
    assertEquals("embed", o.get("task"));
    // Every option except conf-file is documented in the template.
    String text;
    try {
      text = Files.readString(template);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    for (JobOptions.Spec s : JobOptions.SPECS) {
      if (!s.name().equals("conf-file")) {
        // documented with the default the code uses (the stages' own, for their Params)
        String line = "#" + s.name() + "=" + (s.defaultValue() == null ? "" : s.defaultValue());
        assertTrue(text.contains(line + "\n"), "template lacks " + line);
      }
    }
  }

  @Test
  void errorsNameTheProblem() {
    JobException e =
        assertThrows(JobException.class, () -> JobOptions.parse(new String[] {"--bogus", "1"}));
    assertTrue(e.getMessage().contains("unknown option --bogus"), e.getMessage());
    assertEquals(JobException.USAGE, e.exitCode());

    e = assertThrows(JobException.class, () -> JobOptions.parse(new String[] {"--input"}));
    assertTrue(e.getMessage().contains("--input needs a value"), e.getMessage());

    e = assertThrows(JobException.class, () -> JobOptions.parse(new String[] {"stray"}));
    assertTrue(e.getMessage().contains("unexpected argument"), e.getMessage());

    JobOptions o = JobOptions.parse(new String[] {"--max-length", "ten"});
    e = assertThrows(JobException.class, () -> o.getInt("max-length"));
    assertEquals("--max-length: \"ten\" is not an integer", e.getMessage());

    e = assertThrows(JobException.class, () -> o.require("model"));
    assertTrue(e.getMessage().contains("--model is required"), e.getMessage());

    JobOptions m = JobOptions.parse(new String[] {"--mode", "replace"});
    e = assertThrows(JobException.class, () -> m.choice("mode", List.of("error", "overwrite")));
    assertEquals("--mode: bad value \"replace\" (expected error, overwrite)", e.getMessage());
    JobOptions p = JobOptions.parse(new String[] {"--partitions", "-1"});
    e = assertThrows(JobException.class, () -> p.getInt("partitions"));
    assertEquals("--partitions: -1 is too small (at least 0)", e.getMessage());
  }

  @Test
  void commandLineProblemsInTheJobsWords() {
    JobException e =
        assertThrows(JobException.class, () -> JobOptions.parse(new String[] {"--bogus=1"}));
    assertEquals("unknown option --bogus; known options: " + JobOptions.names(), e.getMessage());
    assertTrue(e.getMessage().contains("--input --input-format"), e.getMessage());
    assertEquals(JobException.USAGE, e.exitCode());

    e = assertThrows(JobException.class, () -> JobOptions.parse(new String[] {"--model", "--x"}));
    assertEquals(
        "option --model needs a value ("
            + dev.modernbert.encoder.options.RunOptions.MODEL_PATH.flagDoc()
            + ")",
        e.getMessage());

    e = assertThrows(JobException.class, () -> JobOptions.parse(new String[] {"in", "out"}));
    assertEquals("unexpected argument \"in\" (options are --name value)", e.getMessage());

    // A boolean takes only true or false after it; anything else is not its value.
    e =
        assertThrows(
            JobException.class, () -> JobOptions.parse(new String[] {"--normalize", "yes"}));
    assertEquals("unexpected argument \"yes\" (options are --name value)", e.getMessage());
  }

  @Test
  void equalsFormsAndBooleanValues() {
    JobOptions o =
        JobOptions.parse(
            new String[] {"--normalize=false", "--keep-cols=", "--model=a=b", "--mode", "append"});
    assertFalse(o.getBool("normalize"));
    assertTrue(o.isSet("keep-cols"));
    assertEquals(List.of(), o.getList("keep-cols"));
    assertEquals("a=b", o.get("model"));
    assertTrue(JobOptions.parse(new String[] {"--normalize", "TRUE"}).getBool("normalize"));
    assertEquals(
        List.of("normalize", "mode"),
        List.copyOf(
            JobOptions.parseFlags(new String[] {"--normalize", "--mode", "a", "--normalize=false"})
                .keySet()));
  }

  @Test
  void unknownConfFileKey() throws Exception {
    Path conf = tmp.resolve("bad.properties");
    Files.writeString(conf, "modle=demo\n");
    JobException e =
        assertThrows(
            JobException.class,
            () -> JobOptions.parse(new String[] {"--conf-file", conf.toString()}));
    assertTrue(e.getMessage().contains("unknown key \"modle\""), e.getMessage());
    JobException missing =
        assertThrows(
            JobException.class,
            () -> JobOptions.parse(new String[] {"--conf-file", tmp.resolve("no").toString()}));
    assertTrue(missing.getMessage().contains("cannot read --conf-file"), missing.getMessage());
  }

  @Test
  void helpOnlyWhereAFlagStandsNeverAsAFlagsValue() {
    assertTrue(JobOptions.wantsHelp(new String[] {"--help"}));
    assertTrue(JobOptions.wantsHelp(new String[] {"--input", "x", "-h"}));
    assertTrue(JobOptions.wantsHelp(new String[] {"--normalize", "--help"}));
    assertTrue(JobOptions.wantsHelp(new String[] {"--normalize", "true", "-h"}));
    assertTrue(JobOptions.wantsHelp(new String[] {"--prompt", "--help"})); // --help is no value
    assertFalse(JobOptions.wantsHelp(new String[] {"--prompt", "-h"}));
    assertFalse(JobOptions.wantsHelp(new String[] {"--prompt=--help", "--input", "-h"}));
    assertFalse(JobOptions.wantsHelp(new String[] {"--app-name", "--help=x"}));
    assertEquals("-h", JobOptions.parse(new String[] {"--prompt", "-h"}).get("prompt"));
    // Through the job's main: the value -h is a prompt, so the unknown flag after it is the error
    // (exit 2), not a help page with exit 0; no session is started.
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int rc =
        EmbedJob.runMain(
            new String[] {"--prompt", "-h", "--nope"},
            new java.io.PrintStream(out, true),
            new java.io.PrintStream(err, true));
    assertEquals(JobException.USAGE, rc);
    assertEquals("", out.toString());
    assertTrue(err.toString().contains("unknown option --nope"), err.toString());
  }

  @Test
  void aLocalMasterStartedByTheJobListensOnLoopbackOnly() {
    org.apache.spark.SparkConf none = new org.apache.spark.SparkConf(false);
    java.util.Map<String, String> s = EmbedJob.sessionSettings("", none, java.util.Map.of());
    assertEquals("local[*]", s.get("spark.master"));
    assertEquals("127.0.0.1", s.get("spark.driver.bindAddress"));
    assertEquals("127.0.0.1", s.get("spark.driver.host"));
    // The UI binds to SPARK_LOCAL_IP or every interface: off unless that is set (the launcher
    // sets it to 127.0.0.1).
    assertEquals("false", s.get("spark.ui.enabled"));
    s = EmbedJob.sessionSettings("local[2]", none, java.util.Map.of("SPARK_LOCAL_IP", "127.0.0.1"));
    assertEquals("local[2]", s.get("spark.master"));
    assertFalse(s.containsKey("spark.ui.enabled"));
    // The user's own settings win.
    org.apache.spark.SparkConf user =
        new org.apache.spark.SparkConf(false)
            .set("spark.driver.host", "10.0.0.5")
            .set("spark.ui.enabled", "true");
    s = EmbedJob.sessionSettings("", user, java.util.Map.of());
    assertFalse(s.containsKey("spark.driver.host"));
    assertFalse(s.containsKey("spark.ui.enabled"));
    // A cluster keeps Spark's settings; spark-submit's master is left alone.
    assertEquals(
        java.util.Map.of("spark.master", "spark://h:7077"),
        EmbedJob.sessionSettings("spark://h:7077", none, java.util.Map.of()));
    assertEquals(
        java.util.Map.of(),
        EmbedJob.sessionSettings(
            "",
            new org.apache.spark.SparkConf(false).set("spark.master", "yarn"),
            java.util.Map.of()));
  }

  @Test
  void applyToSetsTheGivenOptionsOnTheStagesParams() {
    JobOptions o =
        JobOptions.parse(
            new String[] {
              "--batch-tokens",
              "64",
              "--device",
              "cpu",
              "--error-col",
              "",
              "--role",
              "query",
              "--query-length",
              "40",
              "--do-query-expansion",
              "false"
            });
    dev.modernbert.spark.ml.ModernBertColBERT c =
        o.applyTo(new dev.modernbert.spark.ml.ModernBertColBERT());
    assertEquals(64, c.getBatchTokens());
    assertEquals("cpu", c.getDevice());
    assertEquals("query", c.getRole());
    assertEquals(40, c.getOverrides().queryLength());
    assertEquals(false, c.getOverrides().doQueryExpansion());
    assertEquals(null, c.getErrorCol(), "a blank column option leaves the Param unset");
    assertEquals(null, c.getOverrides().documentLength(), "not given: the folder's");

    for (String[] noRole : List.of(new String[] {}, new String[] {"--role", " "})) {
      JobException missing =
          assertThrows(
              JobException.class,
              () ->
                  JobOptions.parse(noRole)
                      .applyTo(new dev.modernbert.spark.ml.ModernBertColBERT(), "--task colbert"));
      assertEquals("--task colbert needs --role query or --role document", missing.getMessage());
      assertEquals(JobException.USAGE, missing.exitCode());
    }
    JobException unnamed =
        assertThrows(
            JobException.class,
            () ->
                JobOptions.parse(new String[] {})
                    .applyTo(new dev.modernbert.spark.ml.ModernBertColBERT()));
    assertEquals("ModernBertColBERT needs --role query or --role document", unnamed.getMessage());

    JobOptions bad = JobOptions.parse(new String[] {"--window-overlap", "-2"});
    JobException e =
        assertThrows(
            JobException.class,
            () -> bad.applyTo(new dev.modernbert.spark.ml.ModernBertEmbedder()));
    assertEquals(
        "bad option value: --window-overlap: -2 is too small (at least 0)", e.getMessage());
    assertEquals(JobException.USAGE, e.exitCode());
  }
}
