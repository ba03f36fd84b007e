package dev.modernbert.encoder.labels;

/**
 * One fill-mask candidate.
 *
 * @param position the mask's token index ({@code [CLS]} at 0)
 * @param tokenId the candidate token
 * @param token its string, or null when the model has no tokenizer
 * @param score its softmax probability over the whole vocabulary
 */
public record MaskPrediction(int position, int tokenId, String token, float score) {}
