package dev.modernbert.encoder.task;

import dev.modernbert.encoder.labels.SequenceClassification;
import dev.modernbert.encoder.labels.SequenceClassifier;
import dev.modernbert.encoder.weights.HeadKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequence classification as HF computes it: pool {@code last_hidden_state} per the checkpoint's
 * {@code classifier_pooling}, then {@code classifier(head(pooled))}; scores per {@code
 * problem_type}, labels through {@code id2label}.
 */
public record SequenceClassify() implements EncoderTask<Void, SequenceClassification> {
  @Override
  public String name() {
    return "classify";
  }

  @Override
  public HeadKind requiredHead() {
    return HeadKind.SEQUENCE_CLASSIFICATION;
  }

  @Override
  public List<SequenceClassification> read(TaskBatch<Void> batch) {
    var config = batch.model().config();
    List<float[]> logits =
        TaskBatch.rows(
            batch
                .model()
                .classifierLogits(batch.pooled(SequenceClassifier.pooling(config), false)));
    SequenceClassifier classifier = SequenceClassifier.of(config, logits.get(0).length);
    List<SequenceClassification> out = new ArrayList<>(logits.size());
    for (float[] l : logits) {
      out.add(classifier.classify(l));
    }
    return out;
  }
}
