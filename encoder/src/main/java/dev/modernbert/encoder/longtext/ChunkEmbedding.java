package dev.modernbert.encoder.longtext;

/**
 * One chunk of a long text and its vector. {@code charStart}/{@code charEnd} are Java {@code
 * String} indices (UTF-16 units), so {@code text.substring(charStart, charEnd)} is the chunk's
 * text; {@code tokenStart}/{@code tokenEnd} count content tokens.
 */
public record ChunkEmbedding(
    int chunkIndex, int tokenStart, int tokenEnd, int charStart, int charEnd, float[] embedding) {
  public int tokens() {
    return tokenEnd - tokenStart;
  }
}
