package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces under the JSONL reader and the output writer. */
class OutputAndLinesTest {

  @Test
  void loneSurrogatesAreEscapedAndPairsKeptAcrossWrites() throws IOException {
    StringWriter sink = new StringWriter();
    try (AtomicOutput.LoneSurrogateEscaper w = new AtomicOutput.LoneSurrogateEscaper(sink)) {
      w.write("a\uD800b"); // lone high
      w.write('\uD83D'); // a pair split across two writes
      w.write("\uDE00c\uDFFF"); // ... and a lone low
      w.write(new char[] {'\uD800', '\uD800', '\uDC00'}, 0, 3); // lone high, then a pair
      w.write("\uDBFF"); // lone high at the very end: escaped on close
    }
    assertEquals("a\\ud800b\uD83D\uDE00c\\udfff\\ud800\uD800\uDC00\\udbff", sink.toString());
  }

  static List<String> lines(byte[] bytes) throws IOException {
    List<String> out = new ArrayList<>();
    try (JsonlInput.Utf8Lines r = new JsonlInput.Utf8Lines(new ByteArrayInputStream(bytes))) {
      for (String l; (l = r.readLine()) != null; ) {
        out.add(l);
      }
    }
    return out;
  }

  @Test
  void linesEndAtLfCrlfOrCrEvenAcrossTheReadBuffer() throws IOException {
    String first = "x".repeat((1 << 16) - 1); // its \r is the buffer's last byte, \n the next's
    byte[] bytes = (first + "\r\nsecond\rthird\n\nlast").getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(first, "second", "third", "", "last"), lines(bytes));
    assertEquals(List.of(), lines(new byte[0]));
  }

  @Test
  void aBadLineIsConsumedAndTheNextOneRead() throws IOException {
    byte[] bytes = {'a', '\n', 'b', (byte) 0xC3, '\n', 'c', '\n'};
    try (JsonlInput.Utf8Lines r = new JsonlInput.Utf8Lines(new ByteArrayInputStream(bytes))) {
      assertEquals("a", r.readLine());
      org.junit.jupiter.api.Assertions.assertThrows(CharacterCodingException.class, r::readLine);
      assertEquals("c", r.readLine());
      assertNull(r.readLine());
    }
  }
}
