package dev.modernbert.spark.ml;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.longtext.Aggregate;
import dev.modernbert.encoder.longtext.ChunkEmbedding;
import dev.modernbert.encoder.longtext.LongTextEmbed;
import dev.modernbert.encoder.longtext.LongTextMode;
import dev.modernbert.encoder.options.EmbedOptions;
import dev.modernbert.encoder.options.LongTextOptions;
import dev.modernbert.encoder.pipeline.Prompts;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.TextTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Spark ML Transformer: a string column in, a ModernBERT sentence embedding column out ({@code
 * array<float>} or an ML vector). Any checkpoint embeds: a classifier or MLM checkpoint embeds with
 * its encoder (its task head is not used). The object holds only Params; the model is loaded on the
 * executors (once per executor JVM, see {@code ExecutorModels}) and shared by their tasks. See
 * docs/spark-api.md for the Params, the executor cache, GPU resolution and the error policy.
 */
public class ModernBertEmbedder extends VectorOutputStage<ModernBertEmbedder> {
  private static final long serialVersionUID = 1L;

  private final Param<String> pooling;
  private final BooleanParam normalize;
  private final Param<String> prompt;
  private final Param<String> promptName;
  private final IntParam truncateDim;
  private final Param<String> precision; // how the vector is stored (VectorPrecision)

  // Long texts (see LongTextEmbed): what happens to a text longer than the model's context.
  private final Param<String> longText;
  private final IntParam windowTokens;
  private final IntParam windowOverlap;
  private final IntParam chunkTokens;
  private final Param<String> aggregate;

  public ModernBertEmbedder() {
    this(Identifiable$.MODULE$.randomUID("ModernBertEmbedder"));
  }

  public ModernBertEmbedder(String uid) {
    super(uid, "embedding");
    pooling = stringParam(EmbedOptions.POOLING);
    normalize = boolParam(EmbedOptions.NORMALIZE);
    prompt = stringParam(EmbedOptions.PROMPT);
    promptName = stringParam(EmbedOptions.PROMPT_NAME);
    truncateDim = intParam(EmbedOptions.TRUNCATE_DIM);
    precision = stringParam(EmbedOptions.PRECISION);
    longText = stringParam(LongTextOptions.LONG_TEXT);
    windowTokens = intParam(LongTextOptions.WINDOW_TOKENS);
    windowOverlap = intParam(LongTextOptions.WINDOW_OVERLAP);
    chunkTokens = intParam(LongTextOptions.CHUNK_TOKENS);
    aggregate = stringParam(LongTextOptions.AGGREGATE);
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

  public Param<String> longText() {
    return longText;
  }

  public IntParam windowTokens() {
    return windowTokens;
  }

  public IntParam windowOverlap() {
    return windowOverlap;
  }

  public IntParam chunkTokens() {
    return chunkTokens;
  }

  public Param<String> aggregate() {
    return aggregate;
  }

  public ModernBertEmbedder setLongText(String v) {
    set(longText, v);
    return this;
  }

  public ModernBertEmbedder setWindowTokens(int v) {
    set(windowTokens, v);
    return this;
  }

  public ModernBertEmbedder setWindowOverlap(int v) {
    set(windowOverlap, v);
    return this;
  }

  public ModernBertEmbedder setChunkTokens(int v) {
    set(chunkTokens, v);
    return this;
  }

  public ModernBertEmbedder setAggregate(String v) {
    set(aggregate, v);
    return this;
  }

  public String getLongText() {
    return $(longText);
  }

  public int getWindowTokens() {
    return (Integer) $(windowTokens);
  }

  public int getWindowOverlap() {
    return (Integer) $(windowOverlap);
  }

  public int getChunkTokens() {
    return (Integer) $(chunkTokens);
  }

  public String getAggregate() {
    return $(aggregate);
  }

  // ---- precision: how the vector is stored (VectorPrecision) ----

  public Param<String> precision() {
    return precision;
  }

  public ModernBertEmbedder setPrecision(String v) {
    set(precision, v);
    return this;
  }

  public String getPrecision() {
    return $(precision);
  }

  /** The output column's type for the current {@code outputType} and {@code precision}. */
  public DataType outputDataType() {
    VectorPrecision p = VectorPrecision.parse(getPrecision());
    if (p == VectorPrecision.FLOAT32) {
      return floatsType();
    }
    if (vectorOutput()) {
      throw new IllegalArgumentException(
          "precision "
              + getPrecision()
              + " stores packed bytes, which an ML vector cannot hold; set outputType array"
              + " (or precision float32)");
    }
    return p.packedType();
  }

  /**
   * The columns a chunk row carries before the embedding when the stage {@link #explodes}; an input
   * row's first output row has {@code chunk_index} 0 (or null when its text is null or failed).
   */
  public static final List<String> CHUNK_COLUMNS = ChunkEmbedding.POSITION_NAMES;

  /** Whether an input row becomes one output row per chunk (chunk/late with aggregate none). */
  public boolean explodes() {
    return !getLongText().equals("truncate") && getAggregate().equals("none");
  }

  /**
   * Also finds, on the driver, a {@code promptName} that a local or {@code demo} model folder does
   * not define (reads its config_sentence_transformers.json only). Remote paths and Hub ids are
   * checked on the executors when the model loads.
   */
  @Override
  public void checkModelHead() {
    super.checkModelHead();
    String name = getPromptName();
    if (name == null || name.isEmpty()) {
      return;
    }
    Optional<Path> dir = modelSource().folderHere();
    if (dir.isEmpty()) {
      return;
    }
    try {
      Prompts.read(dir.get()).resolve(getPrompt(), name);
    } catch (IllegalArgumentException | CheckpointException e) {
      throw new IllegalArgumentException(
          stageName() + ": modelPath " + getModelPath() + ": " + e.getMessage(), e);
    }
  }

  /** The task of each text: {@link Embed}, or {@link LongTextEmbed} in chunk and late modes. */
  @Override
  public TextTask<?> task() {
    LongTextMode mode = LongTextMode.parse(getLongText());
    return mode == LongTextMode.TRUNCATE ? embed() : longTextEmbed(mode);
  }

  private Embed embed() {
    return new Embed(
        Pooling.parse(getPooling()),
        getNormalize(),
        getPrompt(),
        getPromptName(),
        getTruncateDim());
  }

  private LongTextEmbed longTextEmbed(LongTextMode mode) {
    return new LongTextEmbed(
        embed(),
        mode,
        getWindowTokens(),
        getWindowOverlap(),
        getChunkTokens(),
        Aggregate.parse(getAggregate()));
  }

  @Override
  protected StageOutput<?> output() {
    boolean vector = vectorOutput();
    VectorPrecision p = VectorPrecision.parse(getPrecision());
    // how a vector is stored: float32 as array or ML vector, else packed bytes
    StoredVector stored =
        p == VectorPrecision.FLOAT32 ? v -> StageOutput.floats(v, vector) : p::pack;
    StageOutput.OutputColumn embedding =
        new StageOutput.OutputColumn(field(getOutputCol(), outputDataType()), "outputCol");
    LongTextMode mode = LongTextMode.parse(getLongText());
    if (mode == LongTextMode.TRUNCATE) {
      return new StageOutput<>(
          embed(), List.of(embedding), StageOutput.Rows.one(v -> new Object[] {stored.of(v)}));
    }
    LongTextEmbed task = longTextEmbed(mode);
    if (task.aggregate() != Aggregate.NONE) {
      return new StageOutput<>(
          task,
          List.of(embedding),
          StageOutput.Rows.one(chunks -> new Object[] {stored.of(chunks.get(0).embedding())}));
    }
    return new StageOutput<>(
        task,
        chunkColumns(embedding),
        chunks -> {
          List<Object[]> rows = new ArrayList<>(chunks.size());
          for (ChunkEmbedding c : chunks) {
            int[] position = c.position();
            Object[] row = new Object[position.length + 1];
            for (int i = 0; i < position.length; i++) {
              row[i] = position[i];
            }
            row[position.length] = stored.of(c.embedding());
            rows.add(row);
          }
          return rows;
        });
  }

  /** How an embedding is stored in its column (shipped to the executors with the stage output). */
  @FunctionalInterface
  private interface StoredVector extends java.io.Serializable {
    Object of(float[] v);
  }

  /**
   * The columns of aggregate=none: a chunk's position ({@code text.substring(char_start, char_end)}
   * is the chunk), then its embedding.
   */
  private static List<StageOutput.OutputColumn> chunkColumns(StageOutput.OutputColumn embedding) {
    List<StageOutput.OutputColumn> columns = new ArrayList<>();
    for (String name : CHUNK_COLUMNS) {
      columns.add(
          new StageOutput.OutputColumn(
              DataTypes.createStructField(name, DataTypes.IntegerType, true), "aggregate"));
    }
    columns.add(embedding);
    return columns;
  }

  public static MLReader<ModernBertEmbedder> read() {
    return new DefaultParamsReader<>();
  }

  public static ModernBertEmbedder load(String path) {
    return read().load(path);
  }
}
