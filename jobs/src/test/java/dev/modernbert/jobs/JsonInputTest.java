package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-line check of JSON input (no Spark needed). */
class JsonInputTest {

  @Test
  void goodLinesPass() {
    assertNull(JsonInput.problem("{\"id\": 1, \"text\": \"a\"}", "text"));
    assertNull(JsonInput.problem("{\"id\": 1, \"text\": null}", "text"));
    assertNull(JsonInput.problem("{\"id\": 1, \"body\": 5}", "text")); // no text: a null row
    assertNull(JsonInput.problem("{'id': NaN, 'text': 'single quotes, as Spark allows'}", "text"));
    assertNull(JsonInput.problem("{\"id\": {\"a\": [1, {\"text\": 5}]}, \"text\": \"x\"}", "text"));
    assertNull(JsonInput.problem("   ", "text")); // blank: skipped, as Spark skips it
    assertNull(JsonInput.problem("{\"text\": 5}", "body")); // only the text column is checked
    // Spark resolves the text column case-insensitively: "Text" would be coerced to "5"
    assertTrue(JsonInput.problem("{\"Text\": 5}", "text").contains("not a string"));
  }

  @Test
  void badLinesSayWhy() {
    assertTrue(
        JsonInput.problem("{\"id\": 2, \"text\": \"unterminated", "text")
            .startsWith("not valid JSON"));
    assertEquals(
        "a JSON list, not an object (one JSON object per line)",
        JsonInput.problem("[1,2]", "text"));
    assertEquals("\"text\" is a number, not a string", JsonInput.problem("{\"text\": 5}", "text"));
    assertEquals(
        "\"text\" is an object, not a string", JsonInput.problem("{\"text\": {\"a\": 1}}", "text"));
    assertEquals(
        "\"text\" is a list, not a string", JsonInput.problem("{\"text\": [\"a\"]}", "text"));
    assertEquals(
        "\"text\" is a boolean, not a string", JsonInput.problem("{\"text\": true}", "text"));
    assertEquals(
        "text after the JSON object",
        JsonInput.problem("{\"text\": \"a\"} {\"text\": \"b\"}", "text"));
    // Deep nesting is refused by the parser's depth bound, never a StackOverflowError.
    String deep = "{\"text\": \"a\", \"x\": " + "[".repeat(200_000) + "]".repeat(200_000) + "}";
    assertTrue(JsonInput.problem(deep, "text").startsWith("not valid JSON"));
  }

  @Test
  void randomAndMutatedLinesAreAcceptedOrRefusedNeverThrown() {
    String[] seeds = {
      "{\"id\": 1, \"text\": \"hello\"}", "{\"id\": [1, {\"a\": null}], \"text\": \"\\u00e9\"}",
      "{'text': 'x', 'n': NaN}", "[{\"text\": 1}]"
    };
    String alphabet = "{}[]\":,'\\ 0123456789.eE+-truefalsnxtNaInfiy\u00e9\ud800";
    Random rnd = new Random(27);
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (int i = 0; i < 5000; i++) {
            StringBuilder sb = new StringBuilder(seeds[rnd.nextInt(seeds.length)]);
            for (int m = rnd.nextInt(6); m > 0 && sb.length() > 0; m--) {
              int at = rnd.nextInt(sb.length());
              switch (rnd.nextInt(3)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                default -> sb.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
              }
            }
            String p = JsonInput.problem(sb.toString(), "text");
            assertTrue(p == null || !p.isBlank());
          }
        });
  }
}
