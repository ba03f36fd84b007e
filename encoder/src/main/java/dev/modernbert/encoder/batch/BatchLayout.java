package dev.modernbert.encoder.batch;

import java.util.List;

/**
 * Where each sequence of a batch lives in the model's 2-D hidden tensor {@code [rows, hidden]}.
 *
 * <p>Packed (our path): only real tokens are rows, sequence b occupies rows {@code [rowStart(b),
 * rowStart(b) + length(b))}. Padded (the naive baseline, and HF's eager path): every sequence
 * occupies {@code width} rows, padding included. Attention needs the padded view {@code [batch,
 * width]}; {@link #slotToRow()} and {@link #rowToSlot()} are the gathers between the two.
 */
public final class BatchLayout {
  private final int[] lengths;
  private final int width;
  private final int[] rowStart;
  private final int rows;
  private final boolean padded;

  private BatchLayout(int[] lengths, boolean padded) {
    this.lengths = lengths.clone();
    this.padded = padded;
    int w = 0;
    for (int len : lengths) {
      if (len <= 0) {
        throw new IllegalArgumentException("empty sequence in a batch");
      }
      w = Math.max(w, len);
    }
    this.width = w;
    this.rowStart = new int[lengths.length];
    int r = 0;
    for (int b = 0; b < lengths.length; b++) {
      rowStart[b] = r;
      r += padded ? w : lengths[b];
    }
    this.rows = r;
  }

  /** Real tokens only: the layout every production path uses. */
  public static BatchLayout packed(int[] lengths) {
    return new BatchLayout(lengths, false);
  }

  /** Every sequence padded to the batch's longest: the naive baseline. */
  public static BatchLayout padded(int[] lengths) {
    return new BatchLayout(lengths, true);
  }

  public static int[] lengthsOf(List<int[]> sequences) {
    return sequences.stream().mapToInt(s -> s.length).toArray();
  }

  public int batchSize() {
    return lengths.length;
  }

  public int length(int b) {
    return lengths[b];
  }

  /** The longest sequence: the padded view's width. */
  public int width() {
    return width;
  }

  public int rows() {
    return rows;
  }

  public int rowStart(int b) {
    return rowStart[b];
  }

  /** True when rows and padded slots coincide, so no gather is needed between them. */
  public boolean rowsAreSlots() {
    return rows == lengths.length * width;
  }

  /** Token ids per row; padding rows (padded layout only) get {@code padId}. */
  public long[] tokenIds(List<int[]> sequences, int padId) {
    long[] ids = new long[rows];
    java.util.Arrays.fill(ids, padId);
    for (int b = 0; b < lengths.length; b++) {
      int[] seq = sequences.get(b);
      for (int t = 0; t < seq.length; t++) {
        ids[rowStart[b] + t] = seq[t];
      }
    }
    return ids;
  }

  /** True for the padded layout (every sequence occupies {@code width} rows). */
  public boolean isPadded() {
    return padded;
  }

  /**
   * {@link #tokenIds} followed by the {@code batchSize()} sequence lengths: the one array a batch
   * uploads (the device builds every index and mask from the lengths).
   */
  public long[] tokenIdsAndLengths(List<int[]> sequences, int padId) {
    long[] ids = tokenIds(sequences, padId);
    long[] all = java.util.Arrays.copyOf(ids, rows + lengths.length);
    for (int b = 0; b < lengths.length; b++) {
      all[rows + b] = lengths[b];
    }
    return all;
  }

  /**
   * For each padded slot {@code b * width + t}, the row holding it. Padding slots point at the
   * sequence's first row: their keys are masked and their outputs dropped, so any real row serves
   * and no zero row has to be appended.
   */
  public long[] slotToRow() {
    long[] idx = new long[lengths.length * width];
    for (int b = 0; b < lengths.length; b++) {
      int n = padded ? width : lengths[b];
      for (int t = 0; t < width; t++) {
        idx[b * width + t] = rowStart[b] + (t < n ? t : 0);
      }
    }
    return idx;
  }

  /** For each row, its padded slot. */
  public long[] rowToSlot() {
    long[] idx = new long[rows];
    for (int b = 0; b < lengths.length; b++) {
      int n = padded ? width : lengths[b];
      for (int t = 0; t < n; t++) {
        idx[rowStart[b] + t] = (long) b * width + t;
      }
    }
    return idx;
  }
}
