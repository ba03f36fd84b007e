package dev.modernbert.encoder.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.colbert.ColbertCheckpoint;
import dev.modernbert.encoder.colbert.ColbertInputs;
import dev.modernbert.encoder.colbert.ColbertOverrides;
import dev.modernbert.encoder.colbert.ColbertRole;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ColBERT multi-vector output of a PyLate checkpoint folder: one L2-normalised vector per kept
 * token, in token order ({@code [rows][dim]}), as PyLate's {@code encode(is_query=...)} gives it.
 * {@link #tokenize} builds the role's ids (prefix token, truncation, query expansion); {@link
 * #read} projects the kept rows (documents drop skiplist tokens) and appends the rows of expansion
 * tokens that were not encoded ({@link ColbertInputs}). Everything read needs follows from a
 * sequence's ids and the folder, so the task takes no per-sequence argument, and ids built by
 * {@link #tokenize} (or {@link ColbertInputs#sequence}) may be run directly.
 *
 * @param role query or document
 * @param overrides settings that replace the folder's ({@link ColbertOverrides#NONE}: none)
 */
public record ColbertEmbed(ColbertRole role, ColbertOverrides overrides)
    implements EncoderTask<Void, float[][]> {

  public ColbertEmbed {
    if (role == null) {
      throw new IllegalArgumentException("role must be query or document, got null");
    }
    overrides = overrides == null ? ColbertOverrides.NONE : overrides;
  }

  @Override
  public String name() {
    return "colbert";
  }

  /** How this task's texts become ids and rows on {@code model}. */
  public ColbertInputs inputs(LoadedModel model) {
    return model.colbert().inputs(role, overrides, model.tokenizer().maskId());
  }

  @Override
  public String problemWith(LoadedModel model) {
    try {
      ColbertCheckpoint c = model.colbert(); // first: "not a PyLate folder" says the most
      if (!model.hasTokenizer()) {
        return "no tokenizer.json in "
            + model.modelDir()
            + ": ColBERT needs text and its tokenizer";
      }
      if (c.hiddenSize() != model.config().hiddenSize()) {
        return model.modelDir()
            + ": the Dense module takes "
            + c.hiddenSize()
            + " values, but the encoder's hidden_size is "
            + model.config().hiddenSize();
      }
      int length = inputs(model).length();
      int max = model.tokenizer().maxLength();
      if (length > max) {
        return role.label()
            + " length "
            + length
            + " is longer than maxLength "
            + max
            + " (the model's max_position_embeddings or the maxLength set): lower the "
            + role.label()
            + " length or raise maxLength";
      }
      return null;
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }

  @Override
  public TokenizedText tokenize(LoadedModel model, String text) {
    ColbertInputs in = inputs(model);
    return in.sequence(model.tokenizer().encode(in.tokenizerInput(text)), text);
  }

  @Override
  public List<float[][]> read(TaskBatch<Void> batch) {
    ColbertCheckpoint checkpoint = batch.loaded().colbert();
    ColbertInputs in = inputs(batch.loaded());
    List<int[]> kept = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      kept.add(in.keptPositions(batch.ids(i)));
    }
    List<float[][]> encoded =
        TaskBatch.regroup(
            TaskBatch.rows(checkpoint.project(batch.rowsAt(batch.hidden(), kept))), kept);
    float[] expansion = null;
    List<float[][]> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      int extra = in.expansionRows(batch.ids(i));
      if (extra == 0) {
        out.add(encoded.get(i));
        continue;
      }
      if (expansion == null) {
        expansion = zeroStateRow(checkpoint, batch.hidden().getManager());
      }
      float[][] rows = Arrays.copyOf(encoded.get(i), encoded.get(i).length + extra);
      for (int r = encoded.get(i).length; r < rows.length; r++) {
        rows[r] = expansion.clone();
      }
      out.add(rows);
    }
    return out;
  }

  /** The row of a token whose hidden state is zero (FlashAttention's unpadded positions). */
  private static float[] zeroStateRow(ColbertCheckpoint checkpoint, NDManager manager) {
    NDArray zero = manager.zeros(new Shape(1, checkpoint.hiddenSize()), DataType.FLOAT32);
    return TaskBatch.floats(checkpoint.project(zero));
  }
}
