package dev.modernbert.encoder.longtext;

import java.util.List;

/**
 * One chunk of a long text and its vector. {@code charStart}/{@code charEnd} are Java {@code
 * String} indices (UTF-16 units), so {@code text.substring(charStart, charEnd)} is the chunk's
 * text; {@code tokenStart}/{@code tokenEnd} count content tokens.
 */
public record ChunkEmbedding(
    int chunkIndex, int tokenStart, int tokenEnd, int charStart, int charEnd, float[] embedding) {

  /**
   * The names under which every front end writes a chunk's position, before its embedding: the
   * job's and the stage's columns, the SQL function's struct fields and the CLI's JSON keys.
   */
  public static final List<String> POSITION_NAMES =
      List.of("chunk_index", "char_start", "char_end");

  /** The chunk's position, in {@link #POSITION_NAMES} order. */
  public int[] position() {
    return new int[] {chunkIndex, charStart, charEnd};
  }

  public int tokens() {
    return tokenEnd - tokenStart;
  }
}
