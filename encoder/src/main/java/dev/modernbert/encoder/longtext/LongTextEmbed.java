package dev.modernbert.encoder.longtext;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.pipeline.EmbeddingPipeline;
import dev.modernbert.encoder.runtime.TorchRuntime;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.LoadedModel;
import dev.modernbert.encoder.task.TaskBatch;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.task.TextTask;
import dev.modernbert.encoder.tokenize.SequenceTemplate;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Embeds texts of any length: the text's tokens are cut into windows (see {@link Windowing}), each
 * window runs as its own sequence, batched with everything else, and the windows' results come back
 * together as the text's chunks ({@link LongTextMode#CHUNK}: one pooled vector per window; {@link
 * LongTextMode#LATE}: span means of the owned token vectors, through the pipeline's tail), or as
 * one vector per text when {@code aggregate} is mean or max.
 *
 * @param embed the pooling, normalisation and prompt of each window
 * @param windowTokens content tokens per window; 0 for the most that fit the model
 * @param windowOverlap tokens a window shares with the one before
 * @param chunkTokens late mode: tokens per output span
 */
public record LongTextEmbed(
    Embed embed,
    LongTextMode mode,
    int windowTokens,
    int windowOverlap,
    int chunkTokens,
    Aggregate aggregate)
    implements TextTask<List<ChunkEmbedding>> {
  /** Late mode's default span length. */
  public static final int DEFAULT_CHUNK_TOKENS = 256;

  public LongTextEmbed {
    if (mode == LongTextMode.TRUNCATE) {
      throw new IllegalArgumentException("truncate mode embeds one sequence per text: use Embed");
    }
    if (windowTokens < 0) {
      throw new IllegalArgumentException("windowTokens must be >= 0 (0: the most that fit)");
    }
    Windowing.checkOverlap(windowOverlap, windowTokens);
    if (mode == LongTextMode.LATE && chunkTokens < 1) {
      throw new IllegalArgumentException("late mode needs chunkTokens >= 1, got " + chunkTokens);
    }
  }

  @Override
  public String name() {
    return "embed";
  }

  @Override
  public String problemWith(LoadedModel model) {
    String problem = embed.problemWith(model);
    if (problem != null) {
      return problem;
    }
    if (!model.hasTokenizer()) {
      return "longText=" + mode.id() + " needs the checkpoint's tokenizer.json";
    }
    if (mode == LongTextMode.LATE) {
      var pooling = embed.pipeline(model).pooling();
      if (pooling.modes().size() != 1) {
        return "late chunking needs a single-mode pooling: the span mean takes the place of one"
            + " Pooling mode, and this model pools with "
            + pooling.describe()
            + " (use longText=chunk, or set pooling to one mode)";
      }
    }
    try {
      windowing(model, promptIds(model).length);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The prompt's tokens, put after the leading special tokens of every window. */
  private int[] promptIds(LoadedModel model) {
    String prompt = embed.effectivePrompt(model);
    return prompt.isEmpty()
        ? new int[0]
        : model.tokenizer().encodeContent(Embed.prepared(model, prompt)).ids();
  }

  /**
   * The windows for {@code model} with a prompt of {@code promptTokens} tokens in each: the default
   * window is everything the model reads at once besides them.
   */
  private Windowing windowing(LoadedModel model, int promptTokens) {
    int room =
        model.tokenizer().maxLength() - model.tokenizer().template().specials() - promptTokens;
    int window = windowTokens == 0 ? room : windowTokens;
    if (window > room) {
      throw new IllegalArgumentException(
          "windowTokens "
              + window
              + " does not fit the model: at most "
              + room
              + " content tokens fit its maximum length with the special tokens and the prompt");
    }
    return new Windowing(window, windowOverlap); // checks the overlap against this window
  }

  @Override
  public TextPlan<?, ?, List<ChunkEmbedding>> plan(LoadedModel model, String text) {
    TokenizedText content = model.tokenizer().encodeContent(Embed.prepared(model, text));
    SequenceTemplate template = model.tokenizer().template();
    int[] prompt = promptIds(model); // tokenized once per text, not again for the windowing
    Windowing windowing = windowing(model, prompt.length);
    int n = content.length();
    List<TokenRange> windows = windowing.windows(n);
    List<int[]> ids = new ArrayList<>(windows.size());
    for (TokenRange w : windows) {
      ids.add(template.wrap(prompt, Arrays.copyOfRange(content.ids(), w.start(), w.end())));
    }
    EmbeddingPipeline pipeline = embed.pipeline(model);
    boolean normalizes = embed.normalize() || pipeline.normalizes();
    return mode == LongTextMode.CHUNK
        ? chunkPlan(content, windows, ids, normalizes)
        : latePlan(
            content,
            windowing,
            windows,
            ids,
            template.prefix().length + prompt.length,
            spanMeans -> finish(pipeline, spanMeans),
            normalizes);
  }

  /** Each window through the model's whole pipeline, as the model embeds any sequence. */
  private TextPlan<Boolean, float[], List<ChunkEmbedding>> chunkPlan(
      TokenizedText content, List<TokenRange> windows, List<int[]> ids, boolean normalizes) {
    List<Boolean> args = new ArrayList<>(Collections.nCopies(ids.size(), Boolean.TRUE));
    return new TextPlan<>(
        embed,
        ids,
        args,
        false,
        windows.size(),
        vectors -> {
          List<ChunkEmbedding> chunks = new ArrayList<>(windows.size());
          for (int k = 0; k < windows.size(); k++) {
            chunks.add(chunk(k, windows.get(k), content, vectors.get(k)));
          }
          return aggregated(chunks, content, normalizes);
        });
  }

  /**
   * Each window's owned token vectors summed per span ({@link SpanSums}); the span means then take
   * the place of the Pooling output ({@code finish}: the modules after it).
   *
   * @param firstContentRow the row of a window's first content token (special tokens and prompt
   *     come before it)
   */
  private TextPlan<SpanSums.Rows, SpanSums.Sums, List<ChunkEmbedding>> latePlan(
      TokenizedText content,
      Windowing windowing,
      List<TokenRange> windows,
      List<int[]> ids,
      int firstContentRow,
      UnaryOperator<float[][]> finish,
      boolean normalizes) {
    int n = content.length();
    if (n == 0) {
      throw new IllegalArgumentException("the text has no tokens to late-chunk");
    }
    List<TokenRange> spans = Windowing.spans(n, chunkTokens);
    List<SpanSums.Rows> args = new ArrayList<>(windows.size());
    for (int k = 0; k < windows.size(); k++) {
      TokenRange owned = windowing.owned(k, n);
      int[] spanOf = new int[owned.length()];
      for (int i = 0; i < spanOf.length; i++) {
        spanOf[i] = (owned.start() + i) / chunkTokens;
      }
      args.add(new SpanSums.Rows(firstContentRow + owned.start() - windows.get(k).start(), spanOf));
    }
    return new TextPlan<>(
        new SpanSums(),
        ids,
        args,
        false,
        spans.size(),
        sums -> {
          float[][] vectors = finish.apply(means(sums, spans.size()));
          List<ChunkEmbedding> chunks = new ArrayList<>(spans.size());
          for (int j = 0; j < spans.size(); j++) {
            chunks.add(chunk(j, spans.get(j), content, vectors[j]));
          }
          return aggregated(chunks, content, normalizes);
        });
  }

  /**
   * The modules after Pooling (and truncateDim, normalize) on span means, in float32 on the CPU:
   * they are a few small products per span. The plan's combine calls this, so it runs where the
   * model runs (Spark's device thread; the caller's thread for {@code ModernBertEncoder.runPlans}),
   * never on a Spark task thread.
   */
  private float[][] finish(EmbeddingPipeline pipeline, float[][] means) {
    int dim = means[0].length;
    float[] flat = new float[means.length * dim];
    for (int s = 0; s < means.length; s++) {
      System.arraycopy(means[s], 0, flat, s * dim, dim);
    }
    try (NDManager m = TorchRuntime.engine().newBaseManager(Device.cpu())) {
      List<float[]> rows =
          TaskBatch.rows(embed.finish(pipeline, m.create(flat, new Shape(means.length, dim))));
      return rows.toArray(new float[0][]);
    }
  }

  /** The span means, from each window's partial sums. */
  private static float[][] means(List<SpanSums.Sums> parts, int spans) {
    double[][] sums = new double[spans][];
    int[] counts = new int[spans];
    for (SpanSums.Sums p : parts) {
      for (int s = 0; s < p.counts().length; s++) {
        int span = p.firstSpan() + s;
        if (sums[span] == null) {
          sums[span] = new double[p.sums()[s].length];
        }
        for (int d = 0; d < sums[span].length; d++) {
          sums[span][d] += p.sums()[s][d];
        }
        counts[span] += p.counts()[s];
      }
    }
    float[][] means = new float[spans][];
    for (int s = 0; s < spans; s++) {
      means[s] = new float[sums[s].length];
      for (int d = 0; d < means[s].length; d++) {
        means[s][d] = (float) (sums[s][d] / counts[s]);
      }
    }
    return means;
  }

  /** Chunk {@code index} over content tokens {@code range}, with its UTF-16 offsets. */
  private static ChunkEmbedding chunk(
      int index, TokenRange range, TokenizedText content, float[] vector) {
    int charStart = range.length() == 0 ? 0 : content.charStart()[range.start()];
    int charEnd = range.length() == 0 ? 0 : content.charEnd()[range.end() - 1];
    return new ChunkEmbedding(index, range.start(), range.end(), charStart, charEnd, vector);
  }

  /** The chunks, or (aggregate mean/max) one chunk spanning the text with their combination. */
  private List<ChunkEmbedding> aggregated(
      List<ChunkEmbedding> chunks, TokenizedText content, boolean normalizes) {
    if (aggregate == Aggregate.NONE) {
      return chunks;
    }
    ChunkEmbedding first = chunks.get(0);
    ChunkEmbedding last = chunks.get(chunks.size() - 1);
    return List.of(
        new ChunkEmbedding(
            0,
            0,
            content.length(),
            first.charStart(),
            last.charEnd(),
            aggregate.combine(chunks, normalizes)));
  }
}
