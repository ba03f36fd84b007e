package dev.modernbert.encoder.weights;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors header is read as the reference loader reads it (adversarial report, defects 12
 * and 8): tensors tile the data buffer, keys are unique, nesting is bounded.
 */
class SafetensorsHeaderTest {
  static final Path TINY = Golden.resource("golden/tiny-modernbert/model.safetensors");

  @TempDir Path tmp;

  /** The tiny checkpoint's header text and its data bytes. */
  record Parts(String header, byte[] data) {
    static Parts of(byte[] raw) {
      int n = (int) ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      return new Parts(
          new String(raw, 8, n, StandardCharsets.UTF_8),
          Arrays.copyOfRange(raw, 8 + n, raw.length));
    }

    byte[] bytes() {
      byte[] h = header.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(8 + h.length + data.length)
          .order(ByteOrder.LITTLE_ENDIAN)
          .putLong(h.length)
          .put(h)
          .put(data)
          .array();
    }
  }

  static Parts tiny() throws IOException {
    return Parts.of(Files.readAllBytes(TINY));
  }

  private Path write(Parts parts) throws IOException {
    Path f = tmp.resolve("model-" + System.nanoTime() + ".safetensors");
    Files.write(f, parts.bytes());
    return f;
  }

  private Path edited(UnaryOperator<JsonObject> edit) throws IOException {
    Parts p = tiny();
    JsonObject h = JsonParser.parseString(p.header()).getAsJsonObject();
    return write(new Parts(edit.apply(h).toString(), p.data()));
  }

  private static String openError(Path file) {
    String msg =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file).close())
                    .getMessage());
    assertTrue(msg.startsWith(file.toString()), msg);
    assertTrue(msg.lines().count() == 1 && msg.length() < 800, msg);
    return msg;
  }

  @Test
  void theUneditedFileOpens() throws IOException {
    Parts p = tiny();
    SafetensorsFile.open(write(p)).close();
  }

  @Test
  void overlappingTensorsAreRefused() throws IOException {
    Path f =
        edited(
            h -> {
              h.getAsJsonObject("model.final_norm.weight")
                  .add(
                      "data_offsets",
                      h.getAsJsonObject("model.embeddings.norm.weight").get("data_offsets"));
              return h;
            });
    String msg = openError(f);
    assertTrue(msg.contains("corrupt safetensors header"), msg);
    assertTrue(msg.contains("overlapping") || msg.contains("a gap between"), msg);
  }

  @Test
  void aTensorMissingFromTheHeaderLeavesAGapThatIsRefused() throws IOException {
    Path f =
        edited(
            h -> {
              h.remove("model.embeddings.norm.weight");
              return h;
            });
    String msg = openError(f);
    assertTrue(msg.contains("a gap between") || msg.contains("tensors end at data byte"), msg);
  }

  @Test
  void trailingBytesAfterTheLastTensorAreRefused() throws IOException {
    Parts p = tiny();
    byte[] longer = Arrays.copyOf(p.data(), p.data().length + 16);
    String msg = openError(write(new Parts(p.header(), longer)));
    assertTrue(msg.contains("its tensors end at data byte " + p.data().length), msg);
  }

  @Test
  void aDuplicateKeyIsRefused() throws IOException {
    Parts p = tiny();
    JsonObject h = JsonParser.parseString(p.header()).getAsJsonObject();
    String key = "model.final_norm.weight";
    String dup = "\"" + key + "\":" + h.get(key) + ",";
    String header = "{" + dup + p.header().strip().substring(1);
    String msg = openError(write(new Parts(header, p.data())));
    assertTrue(msg.contains("the key \"" + key + "\" appears twice"), msg);
  }

  @Test
  void deeplyNestedEntryIsRefusedInOneLine() throws IOException {
    Parts p = tiny();
    int depth = 300_000;
    String deep = "[".repeat(depth) + "]".repeat(depth);
    String header = "{\"x\":" + deep + "," + p.header().strip().substring(1);
    String msg = openError(write(new Parts(header, p.data())));
    assertTrue(msg.contains("nested deeper than 128 levels"), msg);
  }

  @Test
  void offsetsBeyondALongAreRefused() throws IOException {
    Path f =
        edited(
            h -> {
              var offsets = new com.google.gson.JsonArray();
              offsets.add(new java.math.BigInteger("18446744073709551616"));
              offsets.add(new java.math.BigInteger("18446744073709551744"));
              h.getAsJsonObject("model.final_norm.weight").add("data_offsets", offsets);
              return h;
            });
    String msg = openError(f);
    assertTrue(msg.contains("data_offsets must hold non-negative 64-bit integers"), msg);
  }
}
