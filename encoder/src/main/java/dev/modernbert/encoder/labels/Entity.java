package dev.modernbert.encoder.labels;

/**
 * A labelled span of the original text.
 *
 * @param start first character (a Java {@code String} index, UTF-16 code units)
 * @param end one past the last character, so {@code text.substring(start, end)} is {@code text}
 * @param label the entity type, without its {@code B-}/{@code I-} prefix
 * @param score the mean over the entity's tokens of each token's top softmax probability
 * @param text the covered text
 */
public record Entity(int start, int end, String label, float score, String text) {}
