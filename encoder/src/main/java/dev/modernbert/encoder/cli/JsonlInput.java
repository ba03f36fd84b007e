package dev.modernbert.encoder.cli;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.checkpoint.BoundedJson;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.tokenize.TextTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON Lines input: one object per line with {@code id} (any JSON value) and either {@code
 * text} or {@code input_ids}. Blank lines are skipped; line numbers are 1-based file lines.
 *
 * <p>The file is read twice: {@link #validate} checks every line before anything is computed, then
 * {@link #forEachBlock} streams it again in bounded blocks of lines, each line planned as Spark
 * plans a row, so memory does not grow with the file.
 */
final class JsonlInput {
  static final TypeAdapter<JsonElement> ELEMENT = new Gson().getAdapter(JsonElement.class);

  /** How many problems an error message lists before it just counts the rest. */
  static final int MAX_REPORTED = 10;

  private static final Pattern GSON_POSITION =
      Pattern.compile("\\s*at line \\d+ column (\\d+) path \\S*");

  private JsonlInput() {}

  /** One parsed line: exactly one of {@code text} and {@code ids} is non-null. */
  record Row(int line, JsonElement id, String text, int[] ids) {}

  /**
   * A line's plan and the token ids it stands for: what the summary counts and the cost reads
   * (every planned sequence's ids; a line that needs no forward pass may plan none).
   */
  record Planned<V>(int[] ids, TextPlan<?, ?, V> plan) {
    /** The plan's sequences, window after window, are the line's ids. */
    static <V> Planned<V> of(TextPlan<?, ?, V> plan) {
      int[] ids =
          plan.ids().size() == 1
              ? plan.ids().get(0)
              : plan.ids().stream().flatMapToInt(Arrays::stream).toArray();
      return new Planned<>(ids, plan);
    }
  }

  /**
   * A line ready for the model: its {@code id}, its text (null when the line gave {@code
   * input_ids}), its token ids and its plan.
   */
  record Prepared<V>(JsonElement id, String text, int[] ids, TextPlan<?, ?, V> plan) {
    /** Whether tokens of the text were dropped. */
    boolean truncated() {
      return plan.truncated();
    }
  }

  /** A problem with one line, in words (without the line number). */
  static final class LineProblem extends Exception {
    LineProblem(String message) {
      super(message);
    }
  }

  @FunctionalInterface
  interface BlockHandler<V> {
    void handle(List<Prepared<V>> block) throws IOException;
  }

  /** What a line of a block costs in output floats. */
  @FunctionalInterface
  interface Cost {
    long of(int[] ids);
  }

  /**
   * Checks every line against the model: JSON shape, id presence, text vs input_ids, ids in the
   * vocabulary and not too long, text only when the model has a tokenizer. Returns the number of
   * rows; throws an input {@link CliException} listing the problems.
   */
  static int validate(Path file, ModernBertEncoder encoder) {
    return validate(file, encoder, null);
  }

  /**
   * {@link #validate(Path, ModernBertEncoder)}, refusing {@code input_ids} lines with {@code
   * idsProblem} when it is non-null (a task that needs the text of every line).
   */
  static int validate(Path file, ModernBertEncoder encoder, String idsProblem) {
    List<String> problems = new ArrayList<>();
    int bad = 0;
    int rows = 0;
    int lineNo = 0;
    try (Utf8Lines reader = new Utf8Lines(Files.newInputStream(file))) {
      while (true) {
        String line;
        try {
          line = reader.readLine();
        } catch (CharacterCodingException e) {
          lineNo++;
          bad++;
          if (problems.size() < MAX_REPORTED) {
            problems.add("line " + lineNo + ": not valid UTF-8");
          }
          continue; // each line is decoded on its own: the next one is read as usual
        }
        if (line == null) {
          break;
        }
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          Row row = parse(line, lineNo);
          check(row, encoder);
          if (row.ids() != null && idsProblem != null) {
            throw new LineProblem("gives \"input_ids\": " + idsProblem);
          }
          rows++;
        } catch (LineProblem p) {
          bad++;
          if (problems.size() < MAX_REPORTED) {
            problems.add("line " + lineNo + ": " + p.getMessage());
          }
        }
      }
    } catch (IOException e) {
      throw CliException.failure("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (bad > 0) {
      StringBuilder sb = new StringBuilder();
      sb.append(file)
          .append(": ")
          .append(bad)
          .append(bad == 1 ? " bad input line" : " bad input lines")
          .append(" (nothing was computed, no output written)");
      for (String p : problems) {
        sb.append(System.lineSeparator()).append("  ").append(p);
      }
      if (bad > problems.size()) {
        sb.append(System.lineSeparator())
            .append("  ... and ")
            .append(bad - problems.size())
            .append(" more");
      }
      throw CliException.input(sb.toString());
    }
    return rows;
  }

  private static void check(Row row, ModernBertEncoder encoder) throws LineProblem {
    if (row.text() != null && !encoder.hasTokenizer()) {
      throw new LineProblem(
          "\"text\" needs the model's tokenizer, but "
              + encoder.modelDir()
              + " has no tokenizer.json (give \"input_ids\" instead)");
    }
    if (row.ids() != null) {
      String problem = encoder.checkIds(row.ids());
      if (problem != null) {
        throw new LineProblem(problem);
      }
    }
  }

  /** Parses one non-blank line. */
  static Row parse(String line, int lineNo) throws LineProblem {
    if (lineNo == 1 && line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    try {
      BoundedJson.checkDepth(line); // Gson's reader, writer and toString recurse per level
    } catch (JsonParseException e) {
      throw new LineProblem("malformed JSON: " + e.getMessage());
    }
    JsonElement element;
    JsonReader reader = new JsonReader(new StringReader(line));
    reader.setStrictness(Strictness.STRICT);
    try {
      element = ELEMENT.read(reader);
    } catch (IOException | RuntimeException e) {
      throw new LineProblem("malformed JSON: " + describe(e));
    }
    boolean trailing;
    try {
      trailing = reader.peek() != JsonToken.END_DOCUMENT;
    } catch (IOException | RuntimeException e) {
      trailing = true;
    }
    if (trailing) {
      throw new LineProblem(
          "malformed JSON: text after the end of the object (one JSON object per line)");
    }
    if (!element.isJsonObject()) {
      throw new LineProblem("expected a JSON object, got " + abbreviate(element));
    }
    JsonObject obj = element.getAsJsonObject();
    if (!obj.has("id")) {
      throw new LineProblem("missing \"id\"");
    }
    boolean hasText = obj.has("text");
    boolean hasIds = obj.has("input_ids");
    if (hasText && hasIds) {
      throw new LineProblem("has both \"text\" and \"input_ids\" (give exactly one)");
    }
    if (!hasText && !hasIds) {
      throw new LineProblem("has neither \"text\" nor \"input_ids\" (give exactly one)");
    }
    if (hasText) {
      JsonElement t = obj.get("text");
      if (!t.isJsonPrimitive() || !t.getAsJsonPrimitive().isString()) {
        throw new LineProblem("\"text\" must be a string, got " + abbreviate(t));
      }
      String text = t.getAsString();
      int lone = TextTokenizer.loneSurrogate(text);
      if (lone >= 0) {
        throw new LineProblem("\"text\": " + TextTokenizer.loneSurrogateMessage(text, lone));
      }
      return new Row(lineNo, obj.get("id"), text, null);
    }
    return new Row(lineNo, obj.get("id"), null, ids(obj.get("input_ids")));
  }

  private static int[] ids(JsonElement e) throws LineProblem {
    if (!e.isJsonArray()) {
      throw new LineProblem("\"input_ids\" must be a list of integers, got " + abbreviate(e));
    }
    JsonArray arr = e.getAsJsonArray();
    int[] ids = new int[arr.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonElement v = arr.get(i);
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
        throw new LineProblem("input_ids[" + i + "] is not an integer: " + abbreviate(v));
      }
      BigDecimal d;
      try {
        d = v.getAsBigDecimal();
      } catch (NumberFormatException ex) {
        throw new LineProblem("input_ids[" + i + "] is not an integer: " + abbreviate(v));
      }
      if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
        throw new LineProblem("input_ids[" + i + "] is not an integer: " + abbreviate(v));
      }
      if (d.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
          || d.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
        throw new LineProblem(
            "token id " + abbreviate(v) + " at position " + i + " is outside the vocabulary");
      }
      ids[i] = d.intValueExact();
    }
    return ids;
  }

  /**
   * Streams the (already validated) file again, planning each line through {@code planner}, in
   * blocks of at most {@code maxRows} lines and {@code maxCost} summed cost (a block always holds
   * at least one line).
   */
  static <V> void forEachBlock(
      Path file,
      LinePlanner<V> planner,
      int maxRows,
      long maxCost,
      Cost cost,
      BlockHandler<V> handler)
      throws IOException {
    try (Utf8Lines reader = new Utf8Lines(Files.newInputStream(file))) {
      List<Prepared<V>> block = new ArrayList<>();
      long blockCost = 0;
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        Row row;
        try {
          row = parse(line, lineNo);
        } catch (LineProblem p) {
          throw new IOException(
              file + " changed while it was being read: line " + lineNo + ": " + p.getMessage());
        }
        Planned<V> planned =
            row.text() == null ? planner.ids().apply(row.ids()) : planner.text().apply(row.text());
        Prepared<V> prepared = new Prepared<>(row.id(), row.text(), planned.ids(), planned.plan());
        long c = cost.of(prepared.ids());
        if (!block.isEmpty() && (block.size() >= maxRows || blockCost + c > maxCost)) {
          handler.handle(block);
          block = new ArrayList<>();
          blockCost = 0;
        }
        block.add(prepared);
        blockCost += c;
      }
      if (!block.isEmpty()) {
        handler.handle(block);
      }
    }
  }

  /**
   * The lines of a UTF-8 stream, each decoded on its own with a strict decoder, so that bad bytes
   * are reported at their own line (a decoding reader works ahead, and would blame an earlier one)
   * and the lines after them are still read. Lines end at {@code \n}, {@code \r\n} or {@code \r},
   * as {@link java.io.BufferedReader#readLine}.
   */
  static final class Utf8Lines implements Closeable {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int end;
    private boolean skipLf; // the last line ended with \r: a \n next belongs to it
    private ByteArrayOutputStream line = new ByteArrayOutputStream();

    Utf8Lines(InputStream in) {
      this.in = in;
    }

    /**
     * The next line without its terminator, or null at the end.
     *
     * @throws CharacterCodingException when the line is not valid UTF-8; the line is consumed
     */
    String readLine() throws IOException {
      line.reset();
      boolean any = false;
      while (true) {
        if (pos == end) {
          end = in.read(buf, 0, buf.length);
          pos = 0;
          if (end <= 0) {
            end = 0;
            if (!any) {
              return null;
            }
            return decode();
          }
        }
        if (skipLf) {
          skipLf = false;
          if (buf[pos] == '\n') {
            pos++;
            continue;
          }
        }
        any = true;
        int start = pos;
        while (pos < end && buf[pos] != '\n' && buf[pos] != '\r') {
          pos++;
        }
        line.write(buf, start, pos - start);
        if (pos < end) {
          skipLf = buf[pos] == '\r';
          pos++;
          return decode();
        }
      }
    }

    private String decode() throws CharacterCodingException {
      byte[] bytes = line.toByteArray();
      if (line.size() > 1 << 20) {
        line = new ByteArrayOutputStream(); // do not keep one huge line's buffer
      }
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  private static String describe(Throwable e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    msg = msg.lines().findFirst().orElse(msg);
    msg =
        msg.replace(
            "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
            "invalid syntax");
    if (msg.startsWith("End of input")) {
      msg = "the line ends inside the JSON value" + msg.substring("End of input".length());
    }
    Matcher m = GSON_POSITION.matcher(msg);
    if (m.find()) {
      msg = msg.substring(0, m.start()) + " (column " + m.group(1) + ")";
    }
    return msg;
  }

  private static String abbreviate(JsonElement e) {
    String s = e.toString();
    if (e.isJsonPrimitive() && !((JsonPrimitive) e).isString()) {
      return s;
    }
    String kind =
        e.isJsonObject()
            ? "an object "
            : e.isJsonArray() ? "a list " : e.isJsonNull() ? "" : "a string ";
    return kind + (s.length() > 40 ? s.substring(0, 37) + "..." : s);
  }
}
