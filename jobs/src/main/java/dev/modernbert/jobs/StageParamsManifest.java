package dev.modernbert.jobs;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.spark.ml.ModernBertClassifier;
import dev.modernbert.spark.ml.ModernBertColBERT;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import dev.modernbert.spark.ml.ModernBertFillMask;
import dev.modernbert.spark.ml.ModernBertTokenClassifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import scala.Option;

/**
 * Writes the Params of every Spark ML stage as JSON, read through Spark's Param API ({@code
 * stage.params()}), for the Python package's build, which generates its Param declarations from it
 * (python/build_tools/generate_params.py): the Python classes are never maintained by hand.
 *
 * <pre>
 *   java -cp "jobs/target/modernbert-spark-jobs-*.jar:jobs/target/lib/*" \
 *       dev.modernbert.jobs.StageParamsManifest OUT.json
 * </pre>
 *
 * <p>Each stage: {@code javaClass}, {@code name} and {@code params}, each Param with {@code name},
 * {@code doc}, {@code type} (the Spark Param class's simple name, e.g. {@code IntParam}) and, when
 * it has one, {@code default} (the value as Spark's {@code Param.jsonEncode} writes it).
 */
public final class StageParamsManifest {
  /** The stages the Python package wraps, one Python class each. */
  static final List<Class<? extends Transformer>> STAGES =
      List.of(
          ModernBertEmbedder.class,
          ModernBertClassifier.class,
          ModernBertTokenClassifier.class,
          ModernBertFillMask.class,
          ModernBertColBERT.class);

  private StageParamsManifest() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: StageParamsManifest OUT.json");
      System.exit(2);
    }
    String json =
        new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(manifest());
    Files.writeString(Path.of(args[0]), json + "\n", StandardCharsets.UTF_8);
  }

  /** Every stage of {@link #STAGES} with its Params, as Spark lists them (sorted by name). */
  static JsonObject manifest() {
    JsonArray stages = new JsonArray();
    for (Class<? extends Transformer> type : STAGES) {
      stages.add(stage(newStage(type)));
    }
    JsonObject root = new JsonObject();
    root.add("stages", stages);
    return root;
  }

  private static Transformer newStage(Class<? extends Transformer> type) {
    try {
      return type.getConstructor(String.class).newInstance(type.getSimpleName() + "_manifest");
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          type.getName() + " has no public (String uid) constructor, which Spark ML needs", e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static JsonObject stage(Transformer stage) {
    JsonArray params = new JsonArray();
    for (Param p : stage.params()) {
      JsonObject param = new JsonObject();
      param.addProperty("name", p.name());
      param.addProperty("doc", p.doc());
      param.addProperty("type", p.getClass().getSimpleName());
      Option<Object> value = stage.getDefault(p);
      if (value.isDefined()) {
        param.add("default", JsonParser.parseString(p.jsonEncode(value.get())));
      }
      params.add(param);
    }
    JsonObject out = new JsonObject();
    out.addProperty("javaClass", stage.getClass().getName());
    out.addProperty("name", stage.getClass().getSimpleName());
    out.add("params", params);
    return out;
  }
}
