package dev.modernbert.spark.executor;

import dev.modernbert.encoder.head.SequenceClassification;
import dev.modernbert.encoder.head.SequenceClassifier;
import dev.modernbert.encoder.head.TokenClassification;
import dev.modernbert.encoder.head.TokenClassifier;
import dev.modernbert.encoder.tokenize.TextTokenizer;
import dev.modernbert.encoder.tokenize.TokenizedText;
import dev.modernbert.encoder.weights.HeadKind;
import java.util.List;

/** The task-side heads of the Spark stages and UDFs. */
public final class Heads {
  private Heads() {}

  /**
   * Sentence embeddings. Works with any checkpoint: a classifier (or MLM) checkpoint embeds with
   * its encoder, and its task head is not used.
   *
   * @param pooling {@code auto} (the checkpoint's {@code 1_Pooling/config.json}, else cls), {@code
   *     cls} or {@code mean}
   */
  public record Embedding(String pooling, boolean normalize) implements RowHead<float[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public String task() {
      return "embed";
    }

    @Override
    public HeadKind requiredHead() {
      return null;
    }

    @Override
    public Bound<float[]> bind(SharedModel model) {
      DeviceHeads.Pooled device = new DeviceHeads.Pooled(model.pooling(pooling), normalize);
      return new Bound<>() {
        @Override
        public DeviceHead<?, ?> device() {
          return device;
        }

        @Override
        public float[] result(Object value, TokenizedText tokens, String text) {
          return (float[]) value;
        }
      };
    }
  }

  /** Sequence classification (a {@code ModernBertForSequenceClassification} checkpoint). */
  public record SequenceClassify() implements RowHead<SequenceClassification> {
    private static final long serialVersionUID = 1L;

    @Override
    public String task() {
      return "classify";
    }

    @Override
    public HeadKind requiredHead() {
      return HeadKind.SEQUENCE_CLASSIFICATION;
    }

    @Override
    public Bound<SequenceClassification> bind(SharedModel model) {
      RowHead.requireHead(model, requiredHead(), task());
      var config = model.encoder().config();
      DeviceHeads.SequenceLogits device =
          new DeviceHeads.SequenceLogits(SequenceClassifier.pooling(config));
      return new Bound<>() {
        private SequenceClassifier classifier;

        @Override
        public DeviceHead<?, ?> device() {
          return device;
        }

        @Override
        public SequenceClassification result(Object value, TokenizedText tokens, String text) {
          float[] logits = (float[]) value;
          if (classifier == null) {
            classifier = SequenceClassifier.of(config, logits.length);
          }
          return classifier.classify(logits);
        }
      };
    }
  }

  /** Token classification with entities (a {@code ModernBertForTokenClassification} checkpoint). */
  public record TokenClassify() implements RowHead<TokenClassification> {
    private static final long serialVersionUID = 1L;

    @Override
    public String task() {
      return "token-classify";
    }

    @Override
    public HeadKind requiredHead() {
      return HeadKind.TOKEN_CLASSIFICATION;
    }

    @Override
    public Bound<TokenClassification> bind(SharedModel model) {
      RowHead.requireHead(model, requiredHead(), task());
      TokenClassifier classifier = TokenClassifier.of(model.encoder().config());
      DeviceHeads.TokenLogits device = new DeviceHeads.TokenLogits();
      return new Bound<>() {
        @Override
        public DeviceHead<?, ?> device() {
          return device;
        }

        @Override
        public TokenClassification result(Object value, TokenizedText tokens, String text) {
          return classifier.classify((float[][]) value, tokens, text);
        }
      };
    }
  }

  /** One fill-mask prediction: a mask's token position, a candidate token and its probability. */
  public record MaskPrediction(int position, int tokenId, String token, float score) {}

  /**
   * Fill-mask (a {@code ModernBertForMaskedLM} checkpoint): the {@code topK} most likely tokens at
   * every mask token of a text (the tokenizer's {@code mask_token}), best first per position.
   */
  public record FillMask(int topK) implements RowHead<List<MaskPrediction>> {
    private static final long serialVersionUID = 1L;

    @Override
    public String task() {
      return "fill-mask";
    }

    @Override
    public HeadKind requiredHead() {
      return HeadKind.MASKED_LM;
    }

    @Override
    public Bound<List<MaskPrediction>> bind(SharedModel model) {
      RowHead.requireHead(model, requiredHead(), task());
      TextTokenizer tokenizer = model.encoder().tokenizer();
      if (tokenizer.maskId().isEmpty()) {
        throw new IllegalArgumentException(
            "fill-mask: the tokenizer of " + model.encoder().modelDir() + " has no mask token");
      }
      int maskId = tokenizer.maskId().getAsInt();
      DeviceHeads.MaskedTopK device = new DeviceHeads.MaskedTopK(topK);
      return new Bound<>() {
        @Override
        public DeviceHead<?, ?> device() {
          return device;
        }

        @Override
        public Object argument(TokenizedText tokens) {
          return TokenizedText.positionsOf(tokens.ids(), maskId);
        }

        @Override
        public List<MaskPrediction> result(Object value, TokenizedText tokens, String text) {
          DeviceHeads.MaskPredictions p = (DeviceHeads.MaskPredictions) value;
          List<MaskPrediction> out = new java.util.ArrayList<>();
          for (int m = 0; m < p.positions().length; m++) {
            for (int j = 0; j < p.tokenIds()[m].length; j++) {
              int id = p.tokenIds()[m][j];
              out.add(
                  new MaskPrediction(
                      p.positions()[m], id, tokenizer.token(id), (float) p.scores()[m][j]));
            }
          }
          return out;
        }
      };
    }
  }
}
