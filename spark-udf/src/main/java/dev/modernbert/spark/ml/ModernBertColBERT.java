package dev.modernbert.spark.ml;

import dev.modernbert.encoder.colbert.ColbertCheckpoint;
import dev.modernbert.encoder.colbert.ColbertOverrides;
import dev.modernbert.encoder.colbert.ColbertRole;
import dev.modernbert.encoder.options.TaskOptions;
import dev.modernbert.encoder.source.ModelSource;
import dev.modernbert.encoder.task.ColbertEmbed;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;

/**
 * Spark ML Transformer: ColBERT multi-vector embeddings with a PyLate checkpoint folder ({@code
 * modules.json} with {@code pylate.models.Dense.Dense}, e.g. {@code
 * lightonai/GTE-ModernColBERT-v1}), as PyLate encodes queries or documents ({@link ColbertEmbed}).
 * Appends {@code outputCol} (default {@code embeddings}): {@code array<array<float>>}, one
 * L2-normalised vector per kept token in token order. Score rows against each other with the SQL
 * function {@code ModernBertUdfs.registerMaxSim}. {@code role} must be set; {@code queryLength},
 * {@code documentLength}, {@code doQueryExpansion} and {@code attendToExpansionTokens} replace the
 * folder's settings when set. Same Params and machinery as {@link ModernBertEmbedder} otherwise.
 */
public class ModernBertColBERT extends ModernBertStage<ModernBertColBERT> {
  private static final long serialVersionUID = 1L;

  private final Param<String> role;
  private final IntParam queryLength;
  private final IntParam documentLength;
  private final BooleanParam doQueryExpansion;
  private final BooleanParam attendToExpansionTokens;

  public ModernBertColBERT() {
    this(Identifiable$.MODULE$.randomUID("ModernBertColBERT"));
  }

  public ModernBertColBERT(String uid) {
    super(uid, "embeddings");
    role = stringParam(TaskOptions.ROLE);
    queryLength = intParam(TaskOptions.QUERY_LENGTH);
    documentLength = intParam(TaskOptions.DOCUMENT_LENGTH);
    doQueryExpansion = boolParam(TaskOptions.DO_QUERY_EXPANSION);
    attendToExpansionTokens = boolParam(TaskOptions.ATTEND_TO_EXPANSION_TOKENS);
  }

  public Param<String> role() {
    return role;
  }

  public IntParam queryLength() {
    return queryLength;
  }

  public IntParam documentLength() {
    return documentLength;
  }

  public BooleanParam doQueryExpansion() {
    return doQueryExpansion;
  }

  public BooleanParam attendToExpansionTokens() {
    return attendToExpansionTokens;
  }

  public ModernBertColBERT setRole(String v) {
    set(role, v);
    return this;
  }

  public ModernBertColBERT setQueryLength(int v) {
    set(queryLength, v);
    return this;
  }

  public ModernBertColBERT setDocumentLength(int v) {
    set(documentLength, v);
    return this;
  }

  public ModernBertColBERT setDoQueryExpansion(boolean v) {
    set(doQueryExpansion, v);
    return this;
  }

  public ModernBertColBERT setAttendToExpansionTokens(boolean v) {
    set(attendToExpansionTokens, v);
    return this;
  }

  /** The role; throws naming the choices when it is not set (it is required). */
  public String getRole() {
    return requiredValue(role);
  }

  /** The settings set here, null for each one left to the folder. */
  public ColbertOverrides getOverrides() {
    return new ColbertOverrides(
        isDefined(queryLength) ? (Integer) $(queryLength) : null,
        isDefined(documentLength) ? (Integer) $(documentLength) : null,
        isDefined(doQueryExpansion) ? (Boolean) $(doQueryExpansion) : null,
        isDefined(attendToExpansionTokens) ? (Boolean) $(attendToExpansionTokens) : null);
  }

  @Override
  public ColbertEmbed task() {
    return new ColbertEmbed(ColbertRole.parse(getRole()), getOverrides());
  }

  @Override
  protected StageOutput<float[][]> output() {
    return new StageOutput<>(
        task(),
        List.of(
            new StageOutput.OutputColumn(
                field(
                    getOutputCol(),
                    DataTypes.createArrayType(
                        DataTypes.createArrayType(DataTypes.FloatType, false), false)),
                "outputCol")),
        StageOutput.Rows.one(rows -> new Object[] {rows}));
  }

  /**
   * Also refuses, on the driver, a {@code demo} or local folder that is not a PyLate ColBERT
   * folder. Hub ids and Hadoop URIs are checked when the executors load the model: like the base
   * stage, this never fetches a model to the driver.
   */
  @Override
  public void checkModelHead() {
    super.checkModelHead();
    ModelSource model = modelSource();
    Optional<Path> dir = model.folderHere();
    if (dir.isEmpty()) {
      return;
    }
    try {
      ColbertCheckpoint.read(dir.get());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          stageName() + ": modelPath " + model.spec() + ": " + e.getMessage(), e);
    }
  }

  public static MLReader<ModernBertColBERT> read() {
    return new DefaultParamsReader<>();
  }

  public static ModernBertColBERT load(String path) {
    return read().load(path);
  }
}
