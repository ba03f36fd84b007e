package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing of the JSON Lines reader ({@link JsonlInput#validate}): valid lines mutated at random
 * (flipped and inserted bytes, invalid UTF-8, deep nesting, lone surrogates, cuts) are either
 * accepted or refused with the command line's own input error (exit 2) within a time bound; never a
 * hang, an {@link Error} or a raw library exception.
 */
class JsonlInputFuzzTest {
  private static final String[] SEEDS = {
    "{\"id\": 1, \"text\": \"hello world\"}",
    "{\"id\": \"a\", \"input_ids\": [1, 5, 7, 2]}",
    "{\"id\": [1, {\"k\": null}], \"text\": \"caf\\u00e9 \\ud83d\\ude00\"}",
    "{\"id\": 1.5e3, \"text\": \"\"}",
    "{\"text\": \"no id\"}",
    "{\"id\": {\"nested\": [[[]]]}, \"input_ids\": []}",
  };

  private static final byte[][] HOSTILE = {
    {(byte) 0xff},
    {(byte) 0xc3},
    {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // an encoded surrogate (CESU-8)
    {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
    {0},
    {'\r'},
    {'"'},
    {'\\'},
    "\\ud800".getBytes(StandardCharsets.US_ASCII),
    "\\udfff".getBytes(StandardCharsets.US_ASCII),
    "\\u".getBytes(StandardCharsets.US_ASCII),
    "[".repeat(300).getBytes(StandardCharsets.US_ASCII),
    "{\"a\":".repeat(200).getBytes(StandardCharsets.US_ASCII),
    "1e99999999".getBytes(StandardCharsets.US_ASCII),
  };

  private static ModernBertEncoder encoder;
  private static Path dir;

  @BeforeContainer
  static void load() throws IOException {
    encoder = ModernBertEncoder.load("demo", EncoderOptions.defaults());
    dir = Files.createTempDirectory("jsonl-fuzz");
  }

  @AfterContainer
  static void close() throws IOException {
    encoder.close();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  @Property(tries = 400)
  void mutatedLinesAreAcceptedOrRefusedAsBadInput(
      @ForAll @IntRange(min = 1, max = 3) int lines, @ForAll long seed) throws IOException {
    Random random = new Random(seed);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    for (int i = 0; i < lines; i++) {
      file.writeBytes(mutate(SEEDS[random.nextInt(SEEDS.length)], random));
      file.writeBytes(random.nextBoolean() ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
    }
    Path in =
        Files.write(dir.resolve("in-" + Long.toHexString(seed) + ".jsonl"), file.toByteArray());
    try {
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () -> {
            try {
              JsonlInput.validate(in, encoder);
            } catch (CliException e) {
              assertEquals(Main.EXIT_USAGE, e.exitCode(), e.getMessage());
            }
          });
    } finally {
      Files.delete(in);
    }
  }

  /** One of several mutations of {@code line}, picked by {@code random}. */
  static byte[] mutate(String line, Random random) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    switch (random.nextInt(7)) {
      case 0 -> { // random bytes
        byte[] r = new byte[random.nextInt(200)];
        random.nextBytes(r);
        return r;
      }
      case 1 -> { // flipped bytes
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
      }
      case 2 -> { // a hostile byte sequence inserted
        return insert(b, HOSTILE[random.nextInt(HOSTILE.length)], random.nextInt(b.length + 1));
      }
      case 3 -> { // deep nesting as a value
        int d = 1 + random.nextInt(30_000); // 20,000 overflowed the old reader
        String deep = "[".repeat(d) + "]".repeat(d);
        String key = random.nextBoolean() ? "\"text\": " : "\"id\": ";
        return line.replaceFirst("\"(text|id)\": ", key + deep + ", \"x\": ")
            .getBytes(StandardCharsets.UTF_8);
      }
      case 4 -> { // cut anywhere
        return java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
      }
      case 5 -> { // a lone surrogate escape inside the first string
        int quote = line.indexOf('"', line.indexOf(':') + 1);
        if (quote < 0) {
          return b;
        }
        String s = random.nextBoolean() ? "\\ud800" : "\\udc00";
        return (line.substring(0, quote + 1) + s + line.substring(quote + 1))
            .getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        return b; // unchanged
      }
    }
  }

  private static byte[] insert(byte[] b, byte[] what, int at) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, at);
    out.writeBytes(what);
    out.write(b, at, b.length - at);
    return out.toByteArray();
  }

  /** On valid UTF-8, the per-line decoder gives exactly the lines {@link BufferedReader} gives. */
  @Property(tries = 300)
  void utf8LinesSplitsAsBufferedReader(
      @ForAll @StringLength(max = 300) String text, @ForAll long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        continue; // not encodable as UTF-8 on their own
      }
      sb.append(c);
      if (random.nextInt(10) == 0) {
        sb.append(List.of("\n", "\r", "\r\n", "\n\n").get(random.nextInt(4)));
      }
    }
    String s = sb.toString();
    List<String> want = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new StringReader(s))) {
      for (String l; (l = r.readLine()) != null; ) {
        want.add(l);
      }
    }
    List<String> got = new ArrayList<>();
    try (JsonlInput.Utf8Lines r =
        new JsonlInput.Utf8Lines(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)))) {
      for (String l; (l = r.readLine()) != null; ) {
        got.add(l);
      }
    }
    assertEquals(want, got);
  }
}
