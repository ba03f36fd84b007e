package dev.modernbert.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.config.CheckpointException;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.demo.DemoModel;
import dev.modernbert.encoder.head.ClassifierReaders;
import dev.modernbert.encoder.head.HeadRequirement;
import dev.modernbert.encoder.head.SequenceClassification;
import dev.modernbert.encoder.head.SequenceClassifier;
import dev.modernbert.encoder.head.TokenClassification;
import dev.modernbert.encoder.head.TokenClassifier;
import dev.modernbert.encoder.model.AttentionKernel;
import dev.modernbert.encoder.model.BatchTensors;
import dev.modernbert.encoder.model.ModernBertModel;
import dev.modernbert.encoder.pool.Pooler;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.runtime.TorchRuntime;
import dev.modernbert.encoder.tokenize.TextTokenizer;
import dev.modernbert.encoder.tokenize.TokenizedText;
import dev.modernbert.encoder.weights.HeadKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The encoder's front door: a checkpoint folder (or {@code demo}) loaded once, then sequences in,
 * outputs back in input order. Sequences are length-sorted and cut into token-budget batches by
 * {@link BatchPlanner}, and run packed (real tokens only).
 */
public final class ModernBertEncoder implements AutoCloseable {
  private final Path modelDir;
  private final ModernBertModel model;
  private final TextTokenizer tokenizer;
  private final EncoderOptions options;
  private final BatchPlanner planner;
  private final AttentionKernel kernel;
  private final int maxLength;

  private ModernBertEncoder(
      Path modelDir,
      ModernBertModel model,
      TextTokenizer tokenizer,
      EncoderOptions options,
      int maxLength) {
    this.modelDir = modelDir;
    this.model = model;
    this.tokenizer = tokenizer;
    this.options = options;
    this.maxLength = maxLength;
    this.planner = new BatchPlanner(options.batchTokens(), options.maxBatchRows());
    this.kernel = AttentionKernel.fused();
  }

  /** Loads {@code model}: a checkpoint folder, or {@code demo} for the bundled demo model. */
  public static ModernBertEncoder load(String model, EncoderOptions options) {
    return load(resolveModel(model), options);
  }

  public static Path resolveModel(String model) {
    return DemoModel.NAME.equals(model) ? DemoModel.ensure() : Path.of(model);
  }

  public static ModernBertEncoder load(Path dir, EncoderOptions options) {
    if (options.batchTokens() <= 0 || options.maxBatchRows() <= 0) {
      throw new IllegalArgumentException("batchTokens and maxBatchRows must be positive");
    }
    ModernBertConfig config = ModernBertConfig.read(dir.resolve("config.json"));
    int maxLength = options.maxLength() <= 0 ? config.maxPositionEmbeddings() : options.maxLength();
    if (maxLength > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "maxLength "
              + maxLength
              + " is longer than the model allows (max_position_embeddings "
              + config.maxPositionEmbeddings()
              + ")");
    }
    TorchRuntime.setThreads(options.numThreads());
    ModernBertModel model =
        ModernBertModel.load(
            dir,
            config,
            TorchRuntime.device(options.device()),
            TorchRuntime.dtype(options.dtype()));
    TextTokenizer tokenizer =
        TextTokenizer.existsIn(dir) ? TextTokenizer.load(dir, maxLength) : null;
    return new ModernBertEncoder(dir, model, tokenizer, options, maxLength);
  }

  public Path modelDir() {
    return modelDir;
  }

  public ModernBertConfig config() {
    return model.config();
  }

  public ModernBertModel model() {
    return model;
  }

  public EncoderOptions options() {
    return options;
  }

  public int maxLength() {
    return maxLength;
  }

  public boolean hasTokenizer() {
    return tokenizer != null;
  }

  public TextTokenizer tokenizer() {
    if (tokenizer == null) {
      throw new CheckpointException(
          "no tokenizer.json in " + modelDir + ": give input_ids instead of text");
    }
    return tokenizer;
  }

  public TokenizedText tokenize(String text) {
    return tokenizer().encode(text);
  }

  /**
   * Checks ids given directly: non-empty, each inside the vocabulary, no longer than the model
   * allows. Returns null when they are fine, else the problem in words.
   */
  public String checkIds(int[] ids) {
    if (ids.length == 0) {
      return "input_ids is empty (it must hold at least [CLS] and [SEP])";
    }
    if (ids.length > maxLength) {
      return "input_ids has "
          + ids.length
          + " tokens, longer than the model allows ("
          + maxLength
          + ")";
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= model.config().vocabSize()) {
        return "token id "
            + ids[i]
            + " at position "
            + i
            + " is outside the vocabulary [0, "
            + model.config().vocabSize()
            + ")";
      }
    }
    return null;
  }

  /** Reads one batch's outputs into Java objects, one per member, in member order. */
  @FunctionalInterface
  public interface BatchReader<R> {
    List<R> read(NDArray lastHiddenState, BatchTensors batch, int[] members);
  }

  /** Runs every sequence through the model; outputs come back in input order. */
  public <R> List<R> run(List<int[]> sequences, BatchReader<R> reader) {
    int[] lengths = BatchLayout.lengthsOf(sequences);
    List<R> results = new ArrayList<>(java.util.Collections.nCopies(sequences.size(), (R) null));
    for (int[] members : planner.plan(lengths)) {
      List<int[]> batchSeqs = new ArrayList<>(members.length);
      for (int m : members) {
        batchSeqs.add(sequences.get(m));
      }
      List<R> out =
          runBatch(
              batchSeqs,
              BatchLayout.packed(BatchLayout.lengthsOf(batchSeqs)),
              kernel,
              reader,
              members);
      for (int i = 0; i < members.length; i++) {
        results.set(members[i], out.get(i));
      }
    }
    return results;
  }

  /** One batch in a given layout and kernel (the benchmark's naive path uses this too). */
  public <R> List<R> runBatch(
      List<int[]> sequences,
      BatchLayout layout,
      AttentionKernel attention,
      BatchReader<R> reader,
      int[] members) {
    try (BatchTensors batch = model.newBatch(sequences, layout);
        NDScope scope = new NDScope()) {
      NDArray hidden = model.forward(batch, attention);
      return reader.read(hidden, batch, members);
    }
  }

  /**
   * Pooled (and optionally L2-normalised) embeddings, one per sequence. Works with any checkpoint:
   * a classifier or MLM checkpoint embeds with its encoder, and its task head is not used.
   */
  public List<float[]> embed(List<int[]> sequences, Pooling pooling, boolean normalize) {
    return run(
        sequences,
        (hidden, batch, members) ->
            splitRows(
                Pooler.pool(hidden, batch, pooling, normalize).toFloatArray(), members.length));
  }

  /**
   * Sequence classification with a {@code ModernBertForSequenceClassification} checkpoint: pooled
   * per {@code classifier_pooling}, then the head and classifier; scores per {@code problem_type}.
   * One result per sequence, in input order.
   *
   * @throws CheckpointException when the checkpoint has another head (the message names it)
   */
  public List<SequenceClassification> classify(List<int[]> sequences) {
    HeadRequirement.require(model, HeadKind.SEQUENCE_CLASSIFICATION, "classify");
    List<float[]> logits =
        run(
            sequences,
            ClassifierReaders.sequenceLogits(model, SequenceClassifier.pooling(model.config())));
    List<SequenceClassification> out = new ArrayList<>(logits.size());
    SequenceClassifier classifier = null;
    for (float[] l : logits) {
      if (classifier == null) {
        classifier = SequenceClassifier.of(model.config(), l.length);
      }
      out.add(classifier.classify(l));
    }
    return out;
  }

  /**
   * Token classification with a {@code ModernBertForTokenClassification} checkpoint: logits, label
   * and top probability for every token (special tokens included), in input order. No entities: ids
   * carry no character offsets (see {@link #tokenClassify(List, List)}).
   *
   * @throws CheckpointException when the checkpoint has another head (the message names it)
   */
  public List<TokenClassification> tokenClassify(List<int[]> sequences) {
    List<float[][]> logits = tokenLogits(sequences);
    TokenClassifier classifier = TokenClassifier.of(model.config());
    return logits.stream().map(classifier::classify).toList();
  }

  /**
   * Token classification of tokenized texts, with entities: {@code tokens.get(i)} is {@code
   * texts.get(i)} as {@link #tokenize} gave it.
   */
  public List<TokenClassification> tokenClassify(List<TokenizedText> tokens, List<String> texts) {
    if (tokens.size() != texts.size()) {
      throw new IllegalArgumentException("tokens and texts differ in number");
    }
    List<float[][]> logits = tokenLogits(tokens.stream().map(TokenizedText::ids).toList());
    TokenClassifier classifier = TokenClassifier.of(model.config());
    List<TokenClassification> out = new ArrayList<>(logits.size());
    for (int i = 0; i < logits.size(); i++) {
      out.add(classifier.classify(logits.get(i), tokens.get(i), texts.get(i)));
    }
    return out;
  }

  /** Tokenizes {@code texts} and classifies their tokens, with entities. */
  public List<TokenClassification> tokenClassifyTexts(List<String> texts) {
    return tokenClassify(texts.stream().map(this::tokenize).toList(), texts);
  }

  private List<float[][]> tokenLogits(List<int[]> sequences) {
    HeadRequirement.require(model, HeadKind.TOKEN_CLASSIFICATION, "token-classify");
    return run(sequences, ClassifierReaders.tokenLogits(model));
  }

  /** {@code last_hidden_state}: {@code [length][hidden]} per sequence. */
  public List<float[][]> lastHiddenState(List<int[]> sequences) {
    return run(
        sequences, (hidden, batch, members) -> perSequenceRows(hidden.toFloatArray(), batch));
  }

  /** MLM logits {@code [positions][vocab]} at the given positions of each sequence. */
  public List<float[][]> maskedLmLogits(List<int[]> sequences, List<int[]> positions) {
    return run(sequences, maskedLmReader(positions));
  }

  /**
   * The batch reader of {@link #maskedLmLogits}: {@code positions.get(m)} are the positions of
   * sequence {@code m} (a member index of the sequences the reader runs over). Logits come back as
   * float32 whatever the compute dtype. For callers that batch themselves (a Spark runner).
   */
  public BatchReader<float[][]> maskedLmReader(List<int[]> positions) {
    return (hidden, batch, members) -> {
      List<long[]> rows = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      for (int i = 0; i < members.length; i++) {
        int[] pos = positions.get(members[i]);
        counts.add(pos.length);
        for (int p : pos) {
          rows.add(new long[] {batch.layout().rowStart(i) + p});
        }
      }
      long[] idx = rows.stream().mapToLong(r -> r[0]).toArray();
      List<float[][]> out = new ArrayList<>();
      if (idx.length == 0) {
        counts.forEach(c -> out.add(new float[0][]));
        return out;
      }
      NDArray selected = model.maskedLmLogits(batch.selectRows(hidden, idx));
      float[] logits =
          selected.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32
              ? selected.toFloatArray()
              : selected.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
      int vocab = model.config().vocabSize();
      int r = 0;
      for (int c : counts) {
        float[][] seq = new float[c][];
        for (int j = 0; j < c; j++, r++) {
          seq[j] = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
        }
        out.add(seq);
      }
      return out;
    };
  }

  private static List<float[]> splitRows(float[] flat, int rows) {
    int width = flat.length / rows;
    List<float[]> out = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      out.add(Arrays.copyOfRange(flat, r * width, (r + 1) * width));
    }
    return out;
  }

  private List<float[][]> perSequenceRows(float[] flat, BatchTensors batch) {
    int h = model.config().hiddenSize();
    BatchLayout layout = batch.layout();
    List<float[][]> out = new ArrayList<>();
    for (int b = 0; b < layout.batchSize(); b++) {
      float[][] seq = new float[layout.length(b)][];
      for (int t = 0; t < seq.length; t++) {
        int row = layout.rowStart(b) + t;
        seq[t] = Arrays.copyOfRange(flat, row * h, (row + 1) * h);
      }
      out.add(seq);
    }
    return out;
  }

  @Override
  public void close() {
    model.close();
    if (tokenizer != null) {
      tokenizer.close();
    }
  }
}
