package dev.modernbert.encoder.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.hub.HubId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSourceTest {
  @TempDir Path tmp;

  @Test
  void eachFormParsesToItsKind() {
    assertEquals(new ModelSource.Demo(), ModelSource.parse("demo"));
    assertEquals(
        new ModelSource.HadoopUri(URI.create("hdfs://nn/models/m")),
        ModelSource.parse("hdfs://nn/models/m"));
    assertEquals(
        new ModelSource.HadoopUri(URI.create("file:///tmp/m")), ModelSource.parse("file:///tmp/m"));
    assertEquals(
        new ModelSource.Hub(new HubId("org/name", "v1"), "org/name@v1"),
        ModelSource.parse("org/name@v1"));
    assertEquals(
        new ModelSource.Hub(new HubId("org/name", "main"), "hf://org/name"),
        ModelSource.parse("hf://org/name"));
    assertEquals(new ModelSource.LocalFolder("C:/models/m"), ModelSource.parse("C:/models/m"));
    assertEquals(new ModelSource.LocalFolder("/no/such/dir"), ModelSource.parse("/no/such/dir"));
    assertThrows(IllegalArgumentException.class, () -> ModelSource.parse(" "));
    assertThrows(IllegalArgumentException.class, () -> ModelSource.parse("hf://just-a-name"));
  }

  @Test
  void anExistingLocalPathWinsOverAHubIdOfTheSameName() throws Exception {
    // "target/<name>" has the form org/name; relative to the module folder, the tests' cwd
    Path local = Files.createDirectories(Path.of("target", "hub-id-test-folder"));
    assertTrue(Files.isDirectory(local));
    assertEquals(
        new ModelSource.LocalFolder("target/hub-id-test-folder"),
        ModelSource.parse("target/hub-id-test-folder"));
    assertEquals(
        new ModelSource.Hub(
            new HubId("target/no-such-folder-here", "main"), "target/no-such-folder-here"),
        ModelSource.parse("target/no-such-folder-here"));
    // hf:// is never a local path
    assertEquals(
        new HubId("target/hub-id-test-folder", "main"),
        ((ModelSource.Hub) ModelSource.parse("hf://target/hub-id-test-folder")).id());
    // a local folder is pinned as it is, with no request
    ModelSource folder = ModelSource.parse("target/hub-id-test-folder");
    assertEquals(folder, folder.pinned());
  }

  @Test
  void onlyDemoAndExistingLocalFoldersAreReadOnTheDriver() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("m"));
    assertEquals(Optional.of(dir), ModelSource.parse(dir.toString()).folderHere());
    assertEquals(
        Optional.empty(), ModelSource.parse(tmp.resolve("absent").toString()).folderHere());
    assertEquals(Optional.empty(), ModelSource.parse("hdfs://nn/m").folderHere());
    assertEquals(Optional.empty(), ModelSource.parse("hf://org/name@main").folderHere());
  }

  @Test
  void theDriverCheckNamesTheMissingPiece() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("no-config"));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelSource.parse(tmp.resolve("absent").toString()).checkOnDriver());
    assertTrue(
        missing.getMessage().contains("the model path does not exist"), missing.getMessage());
    IllegalArgumentException noConfig =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelSource.parse(dir.toString()).checkOnDriver());
    assertTrue(noConfig.getMessage().contains("no config.json there"), noConfig.getMessage());
    Files.writeString(dir.resolve("config.json"), "{}");
    assertEquals(
        ModelSource.parse(dir.toString()), ModelSource.parse(dir.toString()).checkOnDriver());
  }

  @Test
  void aHadoopUriIsNotLocalizedByTheEncoder() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ModelSource.parse("s3a://bucket/m").localize());
    assertTrue(e.getMessage().contains("only the Spark stages"), e.getMessage());
  }

  @Test
  void everyKindTravelsToTheExecutorsAsItIs() throws Exception {
    for (String spec : List.of("demo", "/models/m", "hdfs://nn/m", "hf://org/name@main")) {
      ModelSource source = ModelSource.parse(spec);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(source);
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        assertEquals(source, in.readObject());
      }
      assertEquals(spec, source.spec());
    }
  }
}
