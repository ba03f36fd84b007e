package dev.modernbert.jobs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.json.JSONOptions;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * JSON lines input, read with an explicit policy ({@code --bad-input}). Spark's JSON reader turns a
 * malformed line into a row of nulls and coerces a number, object or list in the text column to a
 * string; here each line is checked first, with Spark's own JSON parser settings: a line is bad
 * when it is not valid JSON, not one JSON object, has text after the object, or holds a text value
 * that is not a string (or null). Blank lines are skipped, as Spark skips them.
 *
 * <p>{@code fail} (the default): any bad line stops the job before anything is computed, with their
 * count and the first few (file and abbreviated line). {@code skip}: bad lines are dropped and
 * counted ({@code bad_input_rows} in the summary).
 */
final class JsonInput {
  static final String POLICY = "bad-input";
  static final List<String> POLICIES = List.of("fail", "skip");
  static final String CORRUPT = "_corrupt_record";

  /** Bad lines shown in the error or the log. */
  static final int SHOWN = 3;

  private JsonInput() {}

  /** The bad lines of some files: how many, and the first few as "file: line: problem". */
  record Report(long bad, long blank, List<String> first) {
    String describe() {
      return bad
          + " bad JSON line"
          + (bad == 1 ? "" : "s")
          + "; the first: "
          + String.join(" | ", first)
          + (bad > first.size() ? " | ... and " + (bad - first.size()) + " more" : "");
    }
  }

  /** Spark's JSON parser settings (its defaults: single quotes and NaN allowed, depth bounded). */
  private static final class Factory {
    static final JsonFactory INSTANCE =
        new JSONOptions(
                scala.collection.immutable.Map$.MODULE$.<String, String>empty(), "UTC", CORRUPT)
            .buildJsonFactory();
  }

  /** What is wrong with one line, or null when it is fine (or blank). */
  static String problem(String line, String textCol) {
    if (line == null || line.isBlank()) {
      return null;
    }
    try (JsonParser p = Factory.INSTANCE.createParser(line)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        return "a JSON " + kind(t) + ", not an object (one JSON object per line)";
      }
      String problem = null;
      for (t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equalsIgnoreCase(textCol) // Spark resolves columns case-insensitively
            && problem == null
            && v != JsonToken.VALUE_STRING
            && v != JsonToken.VALUE_NULL) {
          String k = kind(v);
          problem =
              "\""
                  + textCol
                  + "\" is "
                  + (k.equals("object") ? "an " : "a ")
                  + k
                  + ", not a string";
        }
        p.skipChildren();
      }
      if (p.nextToken() != null) {
        return "text after the JSON object";
      }
      return problem;
    } catch (JsonProcessingException e) {
      return "not valid JSON (" + e.getOriginalMessage() + ")";
    } catch (IOException | RuntimeException e) {
      return "not valid JSON (" + e.getMessage() + ")";
    }
  }

  private static String kind(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_OBJECT -> "object";
      case START_ARRAY -> "list";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> t.asString() == null ? t.name() : t.asString();
    };
  }

  /** The column of each line's problem (null when fine). */
  static Column problemOf(Column line, String textCol) {
    UserDefinedFunction f =
        functions.udf((UDF1<String, String>) l -> problem(l, textCol), DataTypes.StringType);
    return f.apply(line);
  }

  /**
   * Checks every line of {@code paths} (one pass; a second, short one only to show bad lines); also
   * counts the blank lines (the text source reads them as rows, the JSON reader skips them).
   */
  static Report check(SparkSession spark, String textCol, String... paths) {
    if (paths.length == 0) {
      return new Report(0, 0, List.of());
    }
    UserDefinedFunction problemOrBlank =
        functions.udf(
            (UDF1<String, String>) l -> l == null || l.isBlank() ? "" : problem(l, textCol),
            DataTypes.StringType);
    Dataset<Row> checked =
        spark
            .read()
            .text(paths)
            .select(
                functions.input_file_name().as("file"),
                functions.col("value"),
                problemOrBlank.apply(functions.col("value")).as("problem"))
            .where(functions.col("problem").isNotNull());
    Row counts =
        checked
            .agg(
                functions.count(functions.when(functions.col("problem").notEqual(""), 1)),
                functions.count(functions.when(functions.col("problem").equalTo(""), 1)))
            .first();
    long n = counts.getLong(0);
    Dataset<Row> bad = checked.where(functions.col("problem").notEqual(""));
    List<String> first = new ArrayList<>();
    if (n > 0) {
      for (Row r : bad.limit(SHOWN).collectAsList()) {
        first.add(r.getString(0) + ": " + abbreviate(r.getString(1)) + ": " + r.getString(2));
      }
    }
    return new Report(n, counts.getLong(1), first);
  }

  static String abbreviate(String line) {
    String s = line.strip();
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** The usage error for bad lines under {@code --bad-input fail}. */
  static JobException failure(String input, Report r) {
    return JobException.usage(
        "--input "
            + input
            + ": "
            + r.describe()
            + ". Nothing was computed. Fix these lines, or set --bad-input skip to skip and count"
            + " them");
  }

  /**
   * The rows of the good lines of {@code lines} (Spark's text source, batch or streaming: {@code
   * value} and any partition columns), parsed with {@code schema} (the JSON schema Spark inferred;
   * its corrupt-record column is dropped), partition columns kept.
   */
  static Dataset<Row> goodRows(Dataset<Row> lines, StructType inferred, String textCol) {
    List<String> partitions = new ArrayList<>(Arrays.asList(lines.columns()));
    partitions.remove("value");
    List<StructField> fields = new ArrayList<>();
    for (StructField f : inferred.fields()) {
      if (!f.name().equals(CORRUPT) && !partitions.contains(f.name())) {
        fields.add(f);
      }
    }
    StructType schema = new StructType(fields.toArray(new StructField[0]));
    List<Column> cols = new ArrayList<>();
    cols.add(functions.from_json(functions.col("value"), schema, Map.of()).as("__row"));
    for (String p : partitions) {
      cols.add(functions.col("`" + p + "`"));
    }
    List<Column> out = new ArrayList<>();
    for (StructField f : fields) {
      out.add(functions.col("__row").getField(f.name()).as(f.name()));
    }
    for (String p : partitions) {
      out.add(functions.col("`" + p + "`"));
    }
    UserDefinedFunction good =
        functions.udf(
            (UDF1<String, Boolean>) l -> l != null && !l.isBlank() && problem(l, textCol) == null,
            DataTypes.BooleanType);
    return lines
        .where(good.apply(functions.col("value")))
        .select(cols.toArray(new Column[0]))
        .select(out.toArray(new Column[0]));
  }

  /** The inferred schema without Spark's corrupt-record column. */
  static StructType withoutCorrupt(StructType s) {
    return new StructType(
        Arrays.stream(s.fields())
            .filter(f -> !f.name().equals(CORRUPT))
            .toArray(StructField[]::new));
  }
}
