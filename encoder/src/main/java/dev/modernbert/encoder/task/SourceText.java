package dev.modernbert.encoder.task;

import dev.modernbert.encoder.tokenize.TokenizedText;

/** A sequence's text and its tokens (with character offsets): what entity grouping reads. */
public record SourceText(String text, TokenizedText tokens) {}
