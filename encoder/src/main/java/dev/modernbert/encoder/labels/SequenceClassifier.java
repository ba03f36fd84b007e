package dev.modernbert.encoder.labels;

import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.pool.Pooling;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a sequence classifier's logits into a {@link SequenceClassification}, following the
 * checkpoint's {@code problem_type} and {@code id2label}.
 */
public final class SequenceClassifier {
  /** Multi-label: a label is active when its sigmoid reaches this. */
  public static final float MULTI_LABEL_THRESHOLD = 0.5f;

  private final ProblemType problemType;
  private final List<String> names;

  public SequenceClassifier(ProblemType problemType, LabelNames labels, int numLabels) {
    this.problemType = problemType;
    List<String> n = new ArrayList<>(numLabels);
    for (int i = 0; i < numLabels; i++) {
      n.add(labels.name(i));
    }
    this.names = List.copyOf(n);
  }

  /** For a checkpoint whose classifier has {@code numLabels} outputs. */
  public static SequenceClassifier of(ModernBertConfig config, int numLabels) {
    return new SequenceClassifier(
        ProblemType.resolve(config.problemType(), numLabels),
        new LabelNames(config.id2label()),
        numLabels);
  }

  /** How HF pools before the head: config.json's {@code classifier_pooling} (cls or mean). */
  public static Pooling pooling(ModernBertConfig config) {
    return Pooling.parse(config.classifierPooling());
  }

  public ProblemType problemType() {
    return problemType;
  }

  public SequenceClassification classify(float[] logits) {
    if (logits.length != names.size()) {
      throw new IllegalArgumentException(
          "expected " + names.size() + " logits, got " + logits.length);
    }
    float[] scores =
        switch (problemType) {
          case SINGLE_LABEL -> Scores.softmax(logits);
          case MULTI_LABEL -> Scores.sigmoid(logits);
          case REGRESSION -> logits.clone();
        };
    int best = Scores.argmax(logits);
    List<String> active = new ArrayList<>();
    if (problemType == ProblemType.MULTI_LABEL) {
      for (int i = 0; i < scores.length; i++) {
        if (scores[i] >= MULTI_LABEL_THRESHOLD) {
          active.add(names.get(i));
        }
      }
    }
    return new SequenceClassification(
        problemType,
        names.get(best),
        best,
        scores[best],
        names,
        scores,
        logits.clone(),
        List.copyOf(active));
  }
}
