package dev.modernbert.encoder.pipeline;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.testing.Mutations;
import dev.modernbert.encoder.tokenize.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property-based fuzzing of the readers of a checkpoint's JSON files: mutations of {@code
 * config.json}, {@code modules.json}, a Pooling module's {@code config.json} and {@code
 * tokenizer_config.json}. Each is accepted or refused with a {@link CheckpointException} naming a
 * file, within a time bound; never an {@code Error} or a raw library exception.
 */
class CheckpointJsonFuzzTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final Path ST = Golden.resource("golden/st-mean-normalize");
  private static Path dir;

  @BeforeContainer
  static void copyFixture() throws IOException {
    dir = Files.createTempDirectory("json-fuzz");
    Golden.copy(ST, dir.resolve("st"), p -> !p.toString().endsWith(".safetensors"));
  }

  @AfterContainer
  static void cleanUp() throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The fixture's {@code file} replaced by a mutation of itself, then {@code read} run. */
  private static void mutated(String file, long seed, Runnable read) {
    Path st = dir.resolve("st");
    Path target = st.resolve(file);
    byte[] original = readBytes(ST.resolve(file));
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          Files.write(target, Mutations.mutate(original, seed, original.length));
          try {
            read.run();
          } catch (CheckpointException refused) {
            // the documented outcome for a bad file
          } finally {
            Files.write(target, original);
          }
        });
  }

  private static byte[] readBytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Property(tries = 300)
  void configJson(@ForAll long seed) {
    mutated("config.json", seed, () -> ModernBertConfig.read(dir.resolve("st/config.json")));
  }

  @Property(tries = 200)
  void modulesJson(@ForAll long seed) {
    mutated("modules.json", seed, () -> SentenceTransformerFolder.pipeline(dir.resolve("st")));
  }

  @Property(tries = 200)
  void poolingConfig(@ForAll long seed) {
    mutated(
        "1_Pooling/config.json", seed, () -> SentenceTransformerFolder.pipeline(dir.resolve("st")));
  }

  @Property(tries = 100)
  void sentenceTransformersConfig(@ForAll long seed) {
    mutated(
        "config_sentence_transformers.json",
        seed,
        () -> SentenceTransformerFolder.pipeline(dir.resolve("st")));
  }

  @Property(tries = 40)
  void tokenizerConfigJson(@ForAll long seed) {
    mutated(
        "tokenizer_config.json", seed, () -> TextTokenizer.load(dir.resolve("st"), 512).close());
  }
}
