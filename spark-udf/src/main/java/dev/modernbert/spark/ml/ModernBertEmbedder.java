package dev.modernbert.spark.ml;

import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;

/**
 * Spark ML Transformer: a string column in, a ModernBERT sentence embedding column out ({@code
 * array<float>} or an ML vector). Any checkpoint embeds: a classifier or MLM checkpoint embeds with
 * its encoder (its task head is not used). The object holds only Params; the model is loaded on the
 * executors (once per executor JVM, see {@code ExecutorModels}) and shared by their tasks. See
 * docs/spark-layer.md for the Params, the executor cache, GPU resolution and the error policy.
 */
public class ModernBertEmbedder extends VectorOutputStage<ModernBertEmbedder> {
  private static final long serialVersionUID = 1L;

  private final Param<String> pooling;
  private final BooleanParam normalize;
  private final Param<String> prompt;
  private final Param<String> promptName;
  private final IntParam truncateDim;

  public ModernBertEmbedder() {
    this(Identifiable$.MODULE$.randomUID("ModernBertEmbedder"));
  }

  public ModernBertEmbedder(String uid) {
    super(
        uid,
        "output column of embeddings",
        "array (array<float>) | vector (ML VectorUDT)",
        "embedded");
    List<String> modes = new ArrayList<>();
    for (Pooling p : Pooling.values()) {
      modes.add(p.id());
    }
    pooling =
        new Param<>(
            this,
            "pooling",
            "auto: the checkpoint's sentence-transformers pipeline (modules.json: Pooling, Dense,"
                + " Normalize), else its 1_Pooling/config.json, else cls; or one of "
                + String.join(", ", modes.subList(1, modes.size()))
                + ", which replaces only the Pooling module",
            ParamValidators.inArray(modes));
    normalize =
        new BooleanParam(this, "normalize", "L2-normalise each embedding (after truncateDim)");
    prompt =
        new Param<>(
            this,
            "prompt",
            "text put before every text; \"\" = no prompt, not even the default; unset ="
                + " promptName, else the model's default_prompt_name");
    promptName =
        new Param<>(
            this,
            "promptName",
            "a prompt of the model's config_sentence_transformers.json (e.g. query, document);"
                + " \"\" = its default_prompt_name");
    truncateDim =
        new IntParam(
            this,
            "truncateDim",
            "keep the first N values of each embedding (Matryoshka); 0 keeps all",
            ParamValidators.gtEq(0));
    setDefault(outputCol(), "embedding");
    setDefault(pooling, "auto");
    setDefault(normalize, false);
    setDefault(promptName, "");
    setDefault(truncateDim, 0);
  }

  public Param<String> pooling() {
    return pooling;
  }

  public BooleanParam normalize() {
    return normalize;
  }

  public Param<String> prompt() {
    return prompt;
  }

  public Param<String> promptName() {
    return promptName;
  }

  public IntParam truncateDim() {
    return truncateDim;
  }

  public ModernBertEmbedder setPrompt(String v) {
    set(prompt, v);
    return this;
  }

  public ModernBertEmbedder setPromptName(String v) {
    set(promptName, v);
    return this;
  }

  public ModernBertEmbedder setTruncateDim(int v) {
    set(truncateDim, v);
    return this;
  }

  /** The literal prompt, or null when none was set ({@code promptName} or the default apply). */
  public String getPrompt() {
    return isDefined(prompt) ? $(prompt) : null;
  }

  public String getPromptName() {
    return $(promptName);
  }

  public int getTruncateDim() {
    return (Integer) $(truncateDim);
  }

  public ModernBertEmbedder setPooling(String v) {
    set(pooling, v);
    return this;
  }

  public ModernBertEmbedder setNormalize(boolean v) {
    set(normalize, v);
    return this;
  }

  public String getPooling() {
    return $(pooling);
  }

  public boolean getNormalize() {
    return (Boolean) $(normalize);
  }

  /** The output column's type for the current {@code outputType}. */
  public DataType outputDataType() {
    return floatsType();
  }

  @Override
  public Embed task() {
    return new Embed(
        Pooling.parse(getPooling()),
        getNormalize(),
        getPrompt(),
        getPromptName(),
        getTruncateDim());
  }

  @Override
  protected StageOutput<float[]> output() {
    boolean vector = vectorOutput();
    return new StageOutput<>(
        task(),
        List.of(new StageOutput.OutputColumn(field(getOutputCol(), outputDataType()), "outputCol")),
        v -> new Object[] {StageOutput.floats(v, vector)});
  }

  public static MLReader<ModernBertEmbedder> read() {
    return new DefaultParamsReader<>();
  }

  public static ModernBertEmbedder load(String path) {
    return read().load(path);
  }
}
