package dev.modernbert.encoder.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.modernbert.encoder.pipeline.EmbeddingPipeline;
import dev.modernbert.encoder.pool.Pooler;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.List;
import java.util.Locale;

/**
 * A sentence embedding per sequence, as sentence-transformers 5.7 computes it: the prompt before
 * the text, the checkpoint's pipeline (Pooling, then Dense and Normalize when the folder has them),
 * then the first {@code truncateDim} values, then L2 normalisation when asked. Any checkpoint
 * embeds: a classifier or MLM checkpoint embeds with its encoder, and its task head is not used.
 *
 * <p>The argument of a sequence says whether its ids begin with this task's prompt (they do when
 * {@link #tokenize} made them); ids given directly (argument null) are pooled whole.
 *
 * @param pooling {@code AUTO}: the checkpoint's own pipeline; another mode replaces only its
 *     Pooling module's modes
 * @param normalize L2-normalise the result (after truncation)
 * @param prompt literal text before each text; null when not given, {@code ""} for no prompt
 * @param promptName a name of the folder's {@code prompts}; null or empty when not given; never
 *     together with {@code prompt}
 * @param truncateDim keep the first N values (Matryoshka); 0 keeps all
 */
public record Embed(
    Pooling pooling, boolean normalize, String prompt, String promptName, int truncateDim)
    implements EncoderTask<Boolean, float[]> {

  public Embed {
    if (pooling == null) {
      throw new IllegalArgumentException("pooling must be given (auto for the checkpoint's own)");
    }
    if (truncateDim < 0) {
      throw new IllegalArgumentException(
          "truncateDim must be 0 (keep every value) or positive, got " + truncateDim);
    }
    if (prompt != null && promptName != null && !promptName.isEmpty()) {
      throw new IllegalArgumentException(
          "prompt (--prompt) and promptName (--prompt-name) exclude each other: give one, got"
              + " prompt \""
              + prompt
              + "\" and promptName \""
              + promptName
              + "\"");
    }
  }

  /** The checkpoint's default prompt, no truncation. */
  public Embed(Pooling pooling, boolean normalize) {
    this(pooling, normalize, null, null, 0);
  }

  @Override
  public String name() {
    return "embed";
  }

  @Override
  public String problemWith(LoadedModel model) {
    try {
      EmbeddingPipeline p = pipeline(model);
      int dim = p.outputDim(model.config().hiddenSize());
      p.prompts().resolve(prompt, promptName);
      if (truncateDim > dim) {
        return "truncateDim "
            + truncateDim
            + " is larger than the embedding ("
            + dim
            + " values from "
            + p.describe()
            + ")";
      }
      return null;
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }

  /** The pipeline this task runs on {@code model}. */
  public EmbeddingPipeline pipeline(LoadedModel model) {
    return model.pipeline().withPooling(pooling);
  }

  /** The prompt put before each text on {@code model} ({@code ""}: none). */
  public String effectivePrompt(LoadedModel model) {
    return model.pipeline().prompts().resolve(prompt, promptName);
  }

  /**
   * {@code prompt + text}, lower-cased when the folder's {@code do_lower_case} says so, through the
   * tokenizer (sentence-transformers 5.7 strips nothing). Character offsets refer to that string.
   */
  @Override
  public TokenizedText tokenize(LoadedModel model, String text) {
    EmbeddingPipeline p = model.pipeline();
    String prompt = effectivePrompt(model);
    TokenizedText t = model.tokenizer().encode(prepared(p, prompt + text));
    if (t.truncated() && !prompt.isEmpty() && !pipeline(model).pooling().includePrompt()) {
      int promptLength = promptLength(model, p, prompt);
      if (t.length() <= promptLength) {
        throw new IllegalArgumentException(
            "the prompt \""
                + prompt
                + "\" takes "
                + promptLength
                + " of the "
                + t.length()
                + " tokens a text may have, leaving none to pool (raise maxLength)");
      }
    }
    return t;
  }

  @Override
  public Boolean argument(TokenizedText tokens, String text) {
    return Boolean.TRUE;
  }

  @Override
  public List<float[]> read(TaskBatch<Boolean> batch) {
    LoadedModel model = batch.loaded();
    EmbeddingPipeline p = pipeline(model);
    int[] firstPooled = new int[batch.size()];
    String prompt = effectivePrompt(model);
    if (!p.pooling().includePrompt() && !prompt.isEmpty()) {
      int promptLength = promptLength(model, model.pipeline(), prompt);
      for (int i = 0; i < firstPooled.length; i++) {
        firstPooled[i] = Boolean.TRUE.equals(batch.arg(i)) ? promptLength : 0;
      }
    }
    return TaskBatch.rows(finish(p, batch.pooled(p.pooling(), firstPooled)));
  }

  /**
   * Pooled vectors {@code [n, pooled]} to embeddings: the pipeline's modules after Pooling, then
   * the first {@code truncateDim} values, then L2 normalisation when asked. Late chunking's span
   * means take the same path.
   */
  public NDArray finish(EmbeddingPipeline p, NDArray pooled) {
    NDArray x = p.applyAfterPooling(pooled);
    if (truncateDim > 0 && truncateDim < x.getShape().get(1)) {
      x = x.get(new NDIndex(":, 0:{}", truncateDim));
    }
    return normalize ? Pooler.l2Normalize(x) : x;
  }

  /** The text's characters as the tokenizer sees them ({@code do_lower_case}). */
  public static String prepared(LoadedModel model, String s) {
    return prepared(model.pipeline(), s);
  }

  /**
   * sentence-transformers' {@code prompt_length}: the prompt's ids alone less the final special
   * token, i.e. {@code [CLS]} and the prompt's own tokens.
   */
  private static int promptLength(LoadedModel model, EmbeddingPipeline p, String prompt) {
    return model.tokenizer().encode(prepared(p, prompt)).length() - 1;
  }

  private static String prepared(EmbeddingPipeline p, String s) {
    return p.lowerCase() ? s.toLowerCase(Locale.ROOT) : s;
  }
}
