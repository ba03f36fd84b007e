package dev.modernbert.encoder.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParseException;
import org.junit.jupiter.api.Test;

class BoundedJsonTest {
  private static String nested(int depth, String open, String close) {
    return open.repeat(depth) + close.repeat(depth);
  }

  @Test
  void acceptsNestingUpToTheBound() {
    assertEquals(
        BoundedJson.MAX_DEPTH, depthOf(BoundedJson.parse(nested(BoundedJson.MAX_DEPTH, "[", "]"))));
  }

  @Test
  void refusesDeeperNestingWithOneLine() {
    JsonParseException e =
        assertThrows(JsonParseException.class, () -> BoundedJson.parse(nested(300_000, "[", "]")));
    assertTrue(e.getMessage().startsWith("JSON nested deeper than 128 levels"), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    assertThrows(
        JsonParseException.class,
        () -> BoundedJson.parse("{\"a\":" + nested(200, "{\"b\":", "}") + "1}"));
  }

  @Test
  void bracketsInsideStringsDoNotCount() {
    String s = "\"" + "[".repeat(1000) + "\\\"{" + "\"";
    assertEquals("[".repeat(1000) + "\"{", BoundedJson.parse(s).getAsString());
  }

  @Test
  void lenientSyntaxCannotHideNesting() {
    String deep = nested(200, "[", "]");
    for (String hidden :
        new String[] {
          "['\"', " + deep + ", '\"']", "[\"x\", // \"\n " + deep + "]", "{'a\"': " + deep + "}"
        }) {
      JsonParseException e =
          assertThrows(JsonParseException.class, () -> BoundedJson.parse(hidden), hidden);
      assertTrue(e.getMessage().startsWith("JSON nested deeper than 128 levels"), e.getMessage());
    }
  }

  private static int depthOf(com.google.gson.JsonElement e) {
    int d = 0;
    while (e.isJsonArray() && e.getAsJsonArray().size() > 0) {
      e = e.getAsJsonArray().get(0);
      d++;
    }
    return e.isJsonArray() ? d + 1 : d;
  }
}
