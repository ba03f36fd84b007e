package dev.modernbert.encoder.longtext;

import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.LoadedModel;
import dev.modernbert.encoder.task.SpanSums;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.task.TextTask;
import dev.modernbert.encoder.tokenize.SequenceTemplate;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Embeds texts of any length: the text's tokens are cut into windows (see {@link Windowing}), each
 * window runs as its own sequence, batched with everything else, and the windows' results come
 * back together as the text's chunks ({@link LongTextMode#CHUNK}: one pooled vector per window;
 * {@link LongTextMode#LATE}: span means of the owned token vectors, through the pipeline's tail),
 * or as one vector per text when {@code aggregate} is mean or max.
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

  public LongTextEmbed {
    if (mode == LongTextMode.TRUNCATE) {
      throw new IllegalArgumentException("truncate mode embeds one sequence per text: use Embed");
    }
    if (windowTokens < 0) {
      throw new IllegalArgumentException("windowTokens must be >= 0 (0: the most that fit)");
    }
    if (windowOverlap < 0 || (windowTokens > 0 && windowOverlap >= windowTokens)) {
      throw new IllegalArgumentException(
          "windowOverlap must be in [0, windowTokens), got " + windowOverlap);
    }
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
    try {
      windowing(model);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The windows for {@code model}: the default window is everything the model reads at once. */
  Windowing windowing(LoadedModel model) {
    int room = model.tokenizer().maxLength() - model.tokenizer().template().specials();
    int window = windowTokens == 0 ? room : windowTokens;
    if (window > room) {
      throw new IllegalArgumentException(
          "windowTokens "
              + window
              + " does not fit the model: at most "
              + room
              + " content tokens fit its maximum length with the special tokens");
    }
    if (windowOverlap >= window) {
      throw new IllegalArgumentException(
          "windowOverlap " + windowOverlap + " must be smaller than the window (" + window + ")");
    }
    return new Windowing(window, windowOverlap);
  }

  @Override
  public TextPlan<?, ?, List<ChunkEmbedding>> plan(LoadedModel model, String text) {
    TokenizedText content = model.tokenizer().encodeContent(text);
    SequenceTemplate template = model.tokenizer().template();
    Windowing windowing = windowing(model);
    int n = content.length();
    List<TokenRange> windows = windowing.windows(n);
    List<int[]> ids = new ArrayList<>(windows.size());
    for (TokenRange w : windows) {
      ids.add(template.wrap(Arrays.copyOfRange(content.ids(), w.start(), w.end())));
    }
    return mode == LongTextMode.CHUNK
        ? chunkPlan(content, windows, ids)
        : latePlan(content, windowing, windows, ids, template.prefix().length);
  }

  private TextPlan<Void, float[], List<ChunkEmbedding>> chunkPlan(
      TokenizedText content, List<TokenRange> windows, List<int[]> ids) {
    List<Void> args = new ArrayList<>();
    ids.forEach(i -> args.add(null));
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
          return aggregated(chunks, content);
        });
  }

  private TextPlan<SpanSums.Rows, SpanSums.Sums, List<ChunkEmbedding>> latePlan(
      TokenizedText content,
      Windowing windowing,
      List<TokenRange> windows,
      List<int[]> ids,
      int prefix) {
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
      args.add(new SpanSums.Rows(prefix + owned.start() - windows.get(k).start(), spanOf));
    }
    return new TextPlan<>(
        new SpanSums(),
        ids,
        args,
        false,
        spans.size(),
        sums -> {
          float[][] means = means(sums, spans.size());
          List<ChunkEmbedding> chunks = new ArrayList<>(spans.size());
          float[][] vectors = tail(means);
          for (int j = 0; j < spans.size(); j++) {
            chunks.add(chunk(j, spans.get(j), content, vectors[j]));
          }
          return aggregated(chunks, content);
        });
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

  /** The pipeline's modules after Pooling, applied to span means. */
  private float[][] tail(float[][] means) {
    if (!embed.normalize()) {
      return means;
    }
    float[][] out = new float[means.length][];
    for (int s = 0; s < means.length; s++) {
      double norm = 0;
      for (float x : means[s]) {
        norm += (double) x * x;
      }
      norm = Math.max(Math.sqrt(norm), 1e-12);
      out[s] = new float[means[s].length];
      for (int d = 0; d < out[s].length; d++) {
        out[s][d] = (float) (means[s][d] / norm);
      }
    }
    return out;
  }

  private boolean normalizes() {
    return embed.normalize();
  }

  /** Chunk {@code index} over content tokens {@code range}, with its UTF-16 offsets. */
  private static ChunkEmbedding chunk(
      int index, TokenRange range, TokenizedText content, float[] vector) {
    int charStart = range.length() == 0 ? 0 : content.charStart()[range.start()];
    int charEnd = range.length() == 0 ? 0 : content.charEnd()[range.end() - 1];
    return new ChunkEmbedding(index, range.start(), range.end(), charStart, charEnd, vector);
  }

  /** The chunks, or (aggregate mean/max) one chunk spanning the text with their combination. */
  private List<ChunkEmbedding> aggregated(List<ChunkEmbedding> chunks, TokenizedText content) {
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
            aggregate.combine(chunks, normalizes())));
  }
}
