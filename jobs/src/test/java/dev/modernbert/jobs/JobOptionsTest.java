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
    assertTrue(e.getMessage().contains("--max-length must be an integer"), e.getMessage());

    e = assertThrows(JobException.class, () -> o.require("model"));
    assertTrue(e.getMessage().contains("--model is required"), e.getMessage());

    JobOptions m = JobOptions.parse(new String[] {"--mode", "replace"});
    e = assertThrows(JobException.class, () -> m.choice("mode", List.of("error", "overwrite")));
    assertTrue(e.getMessage().contains("--mode must be one of"), e.getMessage());
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
        "option --model needs a value (checkpoint folder (local or Hadoop URI), Hugging Face Hub"
            + " id (org/name[@revision]), or demo)",
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
}
