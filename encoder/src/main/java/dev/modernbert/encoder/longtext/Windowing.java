package dev.modernbert.encoder.longtext;

import java.util.ArrayList;
import java.util.List;

/**
 * How a long text's content tokens are cut into windows the model can read: window {@code k} starts
 * at {@code k * (windowTokens - overlap)} and holds up to {@code windowTokens} tokens; the last
 * window is the first one that reaches the end (so a text of at most {@code windowTokens} tokens is
 * one window, and an empty text one empty window).
 */
public record Windowing(int windowTokens, int overlap) {
  public Windowing {
    if (windowTokens < 1) {
      throw new IllegalArgumentException("windowTokens must be at least 1, got " + windowTokens);
    }
    checkOverlap(overlap, windowTokens);
  }

  /**
   * The one check of a window overlap: at least 0 and smaller than the window of {@code
   * windowTokens} content tokens (0: the most that fit, not known yet, so only the sign is
   * checked).
   *
   * @throws IllegalArgumentException naming the overlap and the window
   */
  public static void checkOverlap(int overlap, int windowTokens) {
    if (overlap < 0 || (windowTokens > 0 && overlap >= windowTokens)) {
      throw new IllegalArgumentException(
          "windowOverlap must be at least 0 and smaller than the window ("
              + (windowTokens > 0 ? windowTokens + " tokens" : "the most that fit")
              + "), got "
              + overlap);
    }
  }

  public int stride() {
    return windowTokens - overlap;
  }

  /** The windows over {@code n} content tokens. */
  public List<TokenRange> windows(int n) {
    List<TokenRange> out = new ArrayList<>();
    for (int start = 0; ; start += stride()) {
      out.add(new TokenRange(start, Math.min(start + windowTokens, n)));
      if (start + windowTokens >= n) {
        return out;
      }
    }
  }

  /**
   * The positions whose token vector late chunking takes from window {@code k}: window 0 owns its
   * whole range, a later window everything after the overlap with its predecessor. Over all windows
   * these ranges tile {@code [0, n)}; each token thus comes from the window that sees the most
   * context before it.
   */
  public TokenRange owned(int k, int n) {
    int start = k * stride();
    int end = Math.min(start + windowTokens, n);
    return k == 0 ? new TokenRange(0, end) : new TokenRange(Math.min(start + overlap, end), end);
  }

  /** Late chunking's output spans: {@code [j * chunkTokens, min((j + 1) * chunkTokens, n))}. */
  public static List<TokenRange> spans(int n, int chunkTokens) {
    if (chunkTokens < 1) {
      throw new IllegalArgumentException("chunkTokens must be at least 1, got " + chunkTokens);
    }
    List<TokenRange> out = new ArrayList<>();
    for (int start = 0; start < n || out.isEmpty(); start += chunkTokens) {
      out.add(new TokenRange(start, Math.min(start + chunkTokens, n)));
    }
    return out;
  }
}
