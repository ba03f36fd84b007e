package dev.modernbert.encoder.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * {@code modules.json} and a weights index as a hostile repository could serve them (random and
 * mutated JSON, wrong types, names outside the repository or no file system holds, bytes that are
 * not UTF-8): {@link ModelManifest} either lists the files or refuses with a one-line {@link
 * HubException}; never a raw library exception or an Error.
 */
class ModelManifestFuzzTest {
  private static final String WHAT = "org/fuzz@main";
  private Path dir;

  @BeforeTry
  void dir() throws IOException {
    dir = Files.createTempDirectory("manifest-fuzz");
  }

  @AfterTry
  void clean() throws IOException {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A repository of {@code files}: each get resolves the name in a folder, as the cache does. */
  private ModelManifest.Source repo(Map<String, byte[]> files) {
    return (file, required) -> {
      Path p = dir.resolve(file);
      byte[] bytes = files.get(file);
      if (bytes == null) {
        if (required) {
          throw new HubException(HubException.Kind.ENTRY_NOT_FOUND, WHAT + ": no " + file);
        }
        return Optional.empty();
      }
      try {
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return Optional.of(p);
    };
  }

  private void listedOrRefused(Map<String, byte[]> files) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          try {
            ModelManifest.fetch(repo(files), WHAT);
          } catch (HubException refused) {
            String m = refused.getMessage();
            assertTrue(m.startsWith(WHAT + ": "), m);
            assertTrue(m.lines().count() == 1, m);
          }
        });
  }

  @Property(tries = 400)
  void anyModulesJsonAndIndexIsListedOrRefusedWithOneLine(
      @ForAll("document") byte[] modules,
      @ForAll("document") byte[] index,
      @ForAll boolean withModules,
      @ForAll boolean withIndex) {
    Map<String, byte[]> files = new HashMap<>();
    files.put("config.json", bytes("{}"));
    if (withModules) {
      files.put("modules.json", modules);
    }
    if (withIndex) {
      files.put("model.safetensors.index.json", index);
    } else {
      files.put("model.safetensors", bytes("w"));
    }
    files.put("0_Transformer/config.json", bytes("{}"));
    files.put("0_Transformer/model.safetensors.index.json", index);
    listedOrRefused(files);
  }

  @Example
  void wrongTypesAndUnusableNamesAreRefusedNamingThem() {
    Map<String, String> modules =
        Map.of(
            "[{\"path\": {}}]",
            "the \"path\" of module 0 is {}, not a string",
            "[{\"path\": \"1_P\"}, {\"type\": null}]",
            "the \"type\" of module 1 is null",
            "[{\"path\": [\"a\", \"b\"]}]",
            "the \"path\" of module 0 is [\"a\",\"b\"]",
            "[{\"path\": \"a\\u0000b\"}]",
            "names \"a\\u0000b\", which is not a file",
            "[{\"path\": \"" + "x".repeat(300) + "\"}]",
            "which is not a file",
            "[{\"path\": \"a\\ud800b\"}]", // a lone surrogate: no file name can hold it
            "which is not a file");
    modules.forEach(
        (json, expected) -> {
          HubException e =
              assertThrows(
                  HubException.class,
                  () ->
                      ModelManifest.fetch(
                          repo(Map.of("modules.json", bytes(json), "config.json", bytes("{}"))),
                          WHAT));
          assertEquals(HubException.Kind.PROTOCOL, e.kind());
          assertTrue(e.getMessage().contains(expected), json + " -> " + e.getMessage());
        });
    Map<String, String> indexes =
        Map.of(
            "{\"weight_map\": {\"w\": 5}}", "maps \"w\" to 5, not to a file name",
            "{\"weight_map\": {\"w\": null}}", "maps \"w\" to null",
            "{\"weight_map\": {\"w\": \"s\\u0007.bin\"}}", "names \"s\\u0007.bin\"");
    indexes.forEach(
        (json, expected) -> {
          HubException e =
              assertThrows(
                  HubException.class,
                  () ->
                      ModelManifest.fetch(
                          repo(
                              Map.of(
                                  "model.safetensors.index.json",
                                  bytes(json),
                                  "config.json",
                                  bytes("{}"))),
                          WHAT));
          assertTrue(e.getMessage().contains(expected), json + " -> " + e.getMessage());
        });
    HubException notUtf8 =
        assertThrows(
            HubException.class,
            () ->
                ModelManifest.fetch(
                    repo(
                        Map.of(
                            "modules.json",
                            new byte[] {'[', (byte) 0xff, ']'},
                            "config.json",
                            bytes("{}"))),
                    WHAT));
    assertTrue(notUtf8.getMessage().contains("modules.json is not UTF-8"), notUtf8.getMessage());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- generators: valid documents, mutated ones, and noise

  private static final List<String> NAMES =
      List.of(
          "",
          "0_Transformer",
          "1_Pooling",
          "2_Dense/",
          "model-00001-of-00002.safetensors",
          "../x",
          "/abs",
          "a\\b",
          "a//b",
          ".",
          "a/./b",
          "x\u0000y",
          "tab\there",
          "\ud800",
          "x".repeat(300),
          "ok/" + "y".repeat(256));

  private static final List<String> TYPES =
      List.of(
          "sentence_transformers.models.Transformer",
          "sentence_transformers.models.Pooling",
          "sentence_transformers.models.Dense",
          "Normalize",
          "",
          ".");

  private static Arbitrary<String> scalar() {
    return Arbitraries.oneOf(
        Arbitraries.of(NAMES).map(ModelManifestFuzzTest::json),
        Arbitraries.of(TYPES).map(ModelManifestFuzzTest::json),
        Arbitraries.of("null", "true", "0", "-1.5e300", "{}", "[]", "[\"a\",\"b\"]", "{\"a\":1}"));
  }

  private static Arbitrary<String> module() {
    Arbitrary<String> key = Arbitraries.of("path", "type", "idx", "name", "path ");
    return Combinators.combine(key, scalar(), key, scalar())
        .as((k1, v1, k2, v2) -> "{" + json(k1) + ":" + v1 + "," + json(k2) + ":" + v2 + "}");
  }

  @Provide
  Arbitrary<byte[]> document() {
    Arbitrary<String> modules =
        Arbitraries.oneOf(module(), scalar())
            .list()
            .ofMaxSize(5)
            .map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> weightMap =
        Combinators.combine(Arbitraries.of(NAMES), scalar())
            .as((k, v) -> json(k) + ":" + v)
            .list()
            .ofMaxSize(5)
            .map(l -> "{\"weight_map\":{" + String.join(",", l) + "}}");
    Arbitrary<String> wrongShape =
        Arbitraries.oneOf(scalar(), Arbitraries.of("{\"weight_map\":[]}", "{\"weight_map\":5}"));
    Arbitrary<byte[]> text =
        Arbitraries.oneOf(modules, weightMap, wrongShape).map(ModelManifestFuzzTest::bytes);
    Arbitrary<byte[]> mutated =
        Combinators.combine(text, Arbitraries.integers().between(0, 200), Arbitraries.bytes())
            .as(
                (t, at, b) -> {
                  byte[] m = t.clone();
                  if (m.length > 0) {
                    m[at % m.length] = b;
                  }
                  return m;
                });
    Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, text),
        net.jqwik.api.Tuple.of(3, mutated),
        net.jqwik.api.Tuple.of(1, noise));
  }

  /** {@code s} as a JSON string (control characters and surrogates escaped). */
  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
