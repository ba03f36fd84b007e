package dev.modernbert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's main command, {@code bin/modernbert-spark embed --demo}, run as a process. */
class DemoCommandTest {
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void demoCommandWorksFromAnyDirectory() throws Exception {
    Path root = SparkCluster.REPO_ROOT;
    Path output = root.resolve("target/demo-output");
    Data.deleteTree(output);
    Path cwd = Files.createDirectories(SparkCluster.WORK.resolve("demo-cwd"));
    Path log = SparkCluster.WORK.resolve("demo-command.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(root.resolve("bin/modernbert-spark").toString(), "embed", "--demo"))
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("JAVA_OPTS", "-Xmx1g");
    Process p = pb.start();
    try {
      assertTrue(p.waitFor(4, TimeUnit.MINUTES), "the demo command did not finish");
    } finally {
      SparkCluster.kill(p);
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    assertTrue(text.contains("==== modernbert embed summary ===="), text);
    assertTrue(Files.exists(output.resolve("_SUCCESS")));
    JsonObject s = Data.summary(output);
    assertEquals("ok", s.get("status").getAsString());
    assertEquals(300, s.get("rows_in").getAsLong());
    assertEquals(300, s.get("rows_out").getAsLong());
    assertEquals("demo", s.get("model").getAsString());
    assertTrue(s.get("tokens").getAsLong() > 300);
  }
}
