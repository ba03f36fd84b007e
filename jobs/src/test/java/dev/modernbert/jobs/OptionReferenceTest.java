package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.cli.CliReference;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.options.TaskOptions;
import dev.modernbert.spark.ml.ModernBertStage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;

/**
 * The options are declared once: every stage Param is a job flag with the same doc, the CLI shows
 * the same doc, and the generated files are current.
 */
class OptionReferenceTest {
  private static final Path ROOT = Path.of("..");

  private static void assertCurrent(Path relative, String generated) throws Exception {
    Path file = ROOT.resolve(relative);
    if (Boolean.getBoolean("reference.update")) {
      Files.writeString(file, generated, StandardCharsets.UTF_8);
    }
    assertEquals(
        generated,
        Files.readString(file, StandardCharsets.UTF_8),
        relative
            + " is stale: regenerate it (mvn -o -q -pl jobs -am test -Dtest=OptionReferenceTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dreference.update=true)");
  }

  @Test
  void theOptionReferenceIsCurrent() throws Exception {
    assertCurrent(OptionReference.DOCS, OptionReference.markdown());
  }

  @Test
  void theConfTemplateIsCurrent() throws Exception {
    assertCurrent(OptionReference.CONF, OptionReference.confTemplate());
  }

  private static Map<String, JobOptions.Spec> specs() {
    Map<String, JobOptions.Spec> byName = new HashMap<>();
    JobOptions.SPECS.forEach(s -> byName.put(s.name(), s));
    return byName;
  }

  @Test
  void everyStageParamIsAJobFlagWithTheParamsDoc() {
    Map<String, JobOptions.Spec> specs = specs();
    for (ModernBertStage<?> stage : JobScopes.stagesByTask().values()) {
      for (Param<?> p : stage.params()) {
        Option<?> o = stage.option(p.name()); // every Param has a declaration
        JobOptions.Spec spec = specs.get(o.key());
        String where = stage.getClass().getSimpleName() + "." + p.name();
        assertNotNull(spec, where + " has no job flag --" + o.key());
        assertEquals(o.doc(), p.doc(), where + ": the Param's doc is its declaration's");
        assertTrue(spec.help().endsWith(o.flagDoc()), where + ": job help \"" + spec.help() + "\"");
      }
    }
  }

  @Test
  void theCliShowsTheDocOfTheSameDeclaration() {
    Map<String, Option<?>> jobOptions = new HashMap<>();
    JobOptions.OPTIONS.forEach(o -> jobOptions.put(o.name(), o));
    CliReference.optionsByCommand()
        .forEach(
            (command, options) -> {
              for (Option<?> o : options) {
                Option<?> job = jobOptions.get(o.name());
                if (job != null) {
                  assertTrue(
                      o.flagDoc().startsWith(job.flagDoc()),
                      command + " " + o.flag() + ": " + o.flagDoc());
                  assertEquals(job.describeValues().isEmpty(), o.describeValues().isEmpty());
                }
              }
            });
  }

  @Test
  void theJobHelpNamesTheTasksOfATaskOption() {
    JobOptions.Spec pooling = specs().get("pooling");
    assertTrue(pooling.help().startsWith("embed: "), pooling.help());
    JobOptions.Spec outputType = specs().get("output-type");
    assertTrue(outputType.help().startsWith("embed, classify: "), outputType.help());
    JobOptions.Spec device = specs().get("device");
    assertTrue(device.help().startsWith("auto | cpu"), device.help()); // every task: no prefix
    assertEquals(List.of("colbert"), JobScopes.tasksTaking(TaskOptions.ROLE));
  }
}
