package dev.modernbert.encoder.task;

import dev.modernbert.encoder.labels.TokenClassification;
import dev.modernbert.encoder.labels.TokenClassifier;
import dev.modernbert.encoder.tokenize.TokenizedText;
import dev.modernbert.encoder.weights.HeadKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Token classification: {@code classifier(head(row))} for every token (special tokens included),
 * labels and top probabilities; with a {@link SourceText} argument, also the entities of that text
 * (character offsets into it). Sequences given as bare ids (a null argument) get no entities.
 */
public record TokenClassify() implements EncoderTask<SourceText, TokenClassification> {
  @Override
  public String name() {
    return "token-classify";
  }

  @Override
  public HeadKind requiredHead() {
    return HeadKind.TOKEN_CLASSIFICATION;
  }

  @Override
  public SourceText argument(TokenizedText tokens, String text) {
    return new SourceText(text, tokens);
  }

  @Override
  public List<TokenClassification> read(TaskBatch<SourceText> batch) {
    List<float[][]> logits = batch.perSequence(batch.model().classifierLogits(batch.hidden()));
    TokenClassifier classifier = TokenClassifier.of(batch.model().config());
    List<TokenClassification> out = new ArrayList<>(logits.size());
    for (int i = 0; i < logits.size(); i++) {
      SourceText source = batch.arg(i);
      out.add(
          source == null
              ? classifier.classify(logits.get(i))
              : classifier.classify(logits.get(i), source.tokens(), source.text()));
    }
    return out;
  }
}
