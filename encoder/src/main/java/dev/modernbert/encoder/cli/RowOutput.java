package dev.modernbert.encoder.cli;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Writer;

/** One output line: the input's {@code id}, {@code "truncated": true} when cut, then fields. */
final class RowOutput {
  private RowOutput() {}

  /**
   * Starts a line's object and writes {@code id} and {@code truncated}. Non-finite numbers (a
   * checkpoint with NaN weights gives NaN vectors, as transformers does) are written as Python's
   * {@code json.dumps} writes them, {@code NaN}, {@code Infinity} and {@code -Infinity}, which
   * {@code json.loads} reads back: the run does not fail on them.
   */
  static JsonWriter begin(Writer w, JsonlInput.Prepared row) throws IOException {
    JsonWriter jw = new JsonWriter(w);
    jw.setStrictness(Strictness.LENIENT); // NaN and Infinity, as json.dumps
    jw.beginObject();
    jw.name("id");
    JsonlInput.ELEMENT.write(jw, row.id());
    if (row.truncated()) {
      jw.name("truncated").value(true);
    }
    return jw;
  }

  /** Ends the object and the line. */
  static void end(JsonWriter jw, Writer w) throws IOException {
    jw.endObject();
    w.write('\n');
  }

  static void floats(JsonWriter jw, float[] values) throws IOException {
    jw.beginArray();
    for (float v : values) {
      jw.value(v);
    }
    jw.endArray();
  }

  static void strings(JsonWriter jw, Iterable<String> values) throws IOException {
    jw.beginArray();
    for (String v : values) {
      jw.value(v);
    }
    jw.endArray();
  }
}
