package dev.modernbert.encoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.colbert.ColbertCheckpoint;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.labels.SequenceClassification;
import dev.modernbert.encoder.labels.TokenClassification;
import dev.modernbert.encoder.model.AttentionKernel;
import dev.modernbert.encoder.model.BatchTensors;
import dev.modernbert.encoder.model.ModernBertModel;
import dev.modernbert.encoder.pipeline.EmbeddingPipeline;
import dev.modernbert.encoder.pipeline.SentenceTransformerFolder;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.runtime.Precision;
import dev.modernbert.encoder.runtime.TorchRuntime;
import dev.modernbert.encoder.source.ModelSource;
import dev.modernbert.encoder.task.BatchStats;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.HiddenStates;
import dev.modernbert.encoder.task.LoadedModel;
import dev.modernbert.encoder.task.MaskedLmLogits;
import dev.modernbert.encoder.task.Outcome;
import dev.modernbert.encoder.task.SequenceClassify;
import dev.modernbert.encoder.task.SourceText;
import dev.modernbert.encoder.task.TaskBatch;
import dev.modernbert.encoder.task.TaskResult;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.task.TextPlans;
import dev.modernbert.encoder.task.TextTask;
import dev.modernbert.encoder.task.TokenClassify;
import dev.modernbert.encoder.tokenize.TextTokenizer;
import dev.modernbert.encoder.tokenize.TokenizedText;
import dev.modernbert.encoder.weights.HeadKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The encoder's front door: a checkpoint folder (or {@code demo}) loaded once, then {@link
 * #run(EncoderTask, List, List, BatchPlanner) run}: sequences and an {@link EncoderTask} in, plain
 * Java values back in input order with the batch statistics. Sequences are length-sorted and cut
 * into token-budget batches by a {@link BatchPlanner}, and run packed (real tokens only). The other
 * methods ({@link #embed}, {@link #classify}, ...) are that one call with a given task.
 */
public final class ModernBertEncoder implements LoadedModel, AutoCloseable {
  private final Path modelDir;
  private final ModernBertModel model;
  private final TextTokenizer tokenizer;
  private final EncoderOptions options;
  private final AttentionKernel kernel;
  private final int maxLength;
  private final AtomicReference<EmbeddingPipeline> pipeline = new AtomicReference<>();
  private final AtomicReference<ColbertCheckpoint> colbert = new AtomicReference<>();

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
    this.kernel = AttentionKernel.fused();
  }

  /**
   * Loads {@code model}: a checkpoint folder, a Hugging Face Hub id ({@code org/name[@revision]},
   * {@code hf://...}), or {@code demo} for the bundled demo model ({@link ModelSource#parse}).
   */
  public static ModernBertEncoder load(String model, EncoderOptions options) {
    return load(ModelSource.parse(model).localize(), options);
  }

  public static ModernBertEncoder load(Path dir, EncoderOptions options) {
    options.planner(); // refuses non-positive batch settings before anything loads
    ModernBertConfig config = ModernBertConfig.read(dir.resolve("config.json"));
    int maxLength = maxLength(options.maxLength(), config, dir);
    TorchRuntime.setThreads(options.numThreads());
    Device device = TorchRuntime.device(options.device());
    ModernBertModel model =
        ModernBertModel.load(
            dir, config, device, Precision.of(options.dtype(), device), options.gemm());
    TextTokenizer tokenizer =
        TextTokenizer.existsIn(dir) ? TextTokenizer.load(dir, maxLength) : null;
    return new ModernBertEncoder(
        dir, model, tokenizer, options.forDevice(device.isGpu()), maxLength);
  }

  /**
   * An encoder over a model already built, without a folder or tokenizer: ids in, values out
   * through the same runner as a loaded checkpoint (the bench runs random weights this way).
   * Closing it closes {@code model}.
   */
  public static ModernBertEncoder of(ModernBertModel model, EncoderOptions options) {
    return new ModernBertEncoder(
        null,
        model,
        null,
        options.forDevice(model.device().isGpu()),
        model.config().maxPositionEmbeddings());
  }

  /**
   * The maximum length for a folder: {@code requested} when positive (see {@link #maxLength(int,
   * ModernBertConfig)}), else the folder's own limit ({@code max_seq_length} of
   * sentence-transformers, else the tokenizer's {@code model_max_length}) capped at {@code
   * max_position_embeddings}, as sentence-transformers caps it.
   */
  public static int maxLength(int requested, ModernBertConfig config, Path dir) {
    if (requested > 0) {
      return maxLength(requested, config);
    }
    int folder = SentenceTransformerFolder.maxSeqLength(dir);
    return folder > 0
        ? Math.min(folder, config.maxPositionEmbeddings())
        : config.maxPositionEmbeddings();
  }

  /**
   * The one check of a requested maximum length: 0 (or less) is the model's {@code
   * max_position_embeddings}; more than that is refused.
   */
  public static int maxLength(int requested, ModernBertConfig config) {
    if (requested > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "maxLength "
              + requested
              + " is longer than the model allows (max_position_embeddings "
              + config.maxPositionEmbeddings()
              + ")");
    }
    return requested <= 0 ? config.maxPositionEmbeddings() : requested;
  }

  @Override
  public Path modelDir() {
    return modelDir;
  }

  @Override
  public ModernBertConfig config() {
    return model.config();
  }

  /** The head the checkpoint carries. */
  @Override
  public HeadKind headKind() {
    return model.headKind();
  }

  /** The model itself: for tasks, benchmarks and layer-level tests. */
  @Override
  public ModernBertModel model() {
    return model;
  }

  /**
   * Whether the model runs on a GPU (batch defaults differ there: {@link BatchPlanner#forDevice}).
   */
  public boolean onGpu() {
    return model.device().isGpu();
  }

  public EncoderOptions options() {
    return options;
  }

  public int maxLength() {
    return maxLength;
  }

  @Override
  public boolean hasTokenizer() {
    return tokenizer != null;
  }

  @Override
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

  /** The folder's embedding pipeline ({@link SentenceTransformerFolder}), read once. */
  @Override
  public EmbeddingPipeline pipeline() {
    return readOnce(pipeline, () -> SentenceTransformerFolder.pipeline(modelDir));
  }

  /** The folder's PyLate ColBERT modules ({@link ColbertCheckpoint}), read once. */
  @Override
  public ColbertCheckpoint colbert() {
    return readOnce(colbert, () -> ColbertCheckpoint.read(modelDir));
  }

  /**
   * The folder's modules kept in {@code cache}, read on first use (a race reads twice, keeps one).
   */
  private static <T> T readOnce(AtomicReference<T> cache, Supplier<T> read) {
    T value = cache.get();
    if (value == null) {
      cache.compareAndSet(null, read.get());
      value = cache.get();
    }
    return value;
  }

  /**
   * Checks ids given directly: non-empty, each inside the vocabulary, no longer than the model
   * allows. Returns null when they are fine, else the problem in words.
   */
  public String checkIds(int[] ids) {
    if (ids.length == 0) {
      return "input_ids is empty (give the ids as the encoder sees them, special tokens included)";
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

  /**
   * Throws when this checkpoint cannot run {@code task} (e.g. it lacks the task's head; the message
   * names the head it has).
   */
  public void require(TextTask<?> task) {
    String problem = task.problemWith(this);
    if (problem != null) {
      throw new CheckpointException(problem);
    }
  }

  /**
   * The entry point: runs {@code task} over {@code sequences} in batches cut by {@code planner};
   * values come back in input order, with what the batches cost.
   *
   * @param args one argument per sequence (see {@link EncoderTask#argument}), or null for none
   * @throws CheckpointException when the checkpoint cannot run the task
   */
  public <A, V> TaskResult<V> run(
      EncoderTask<A, V> task, List<int[]> sequences, List<A> args, BatchPlanner planner) {
    require(task);
    if (args != null && args.size() != sequences.size()) {
      throw new IllegalArgumentException(
          args.size() + " arguments for " + sequences.size() + " sequences");
    }
    int[] lengths = BatchLayout.lengthsOf(sequences);
    List<V> results = new ArrayList<>(Collections.nCopies(sequences.size(), (V) null));
    BatchStats stats = BatchStats.NONE;
    for (int[] members : planner.plan(lengths)) {
      long t0 = System.nanoTime();
      List<int[]> batchSeqs = new ArrayList<>(members.length);
      List<A> batchArgs = args == null ? null : new ArrayList<>(members.length);
      long real = 0;
      for (int m : members) {
        batchSeqs.add(sequences.get(m));
        real += lengths[m];
        if (batchArgs != null) {
          batchArgs.add(args.get(m));
        }
      }
      List<V> out =
          runBatch(
              task,
              batchSeqs,
              batchArgs,
              BatchLayout.packed(BatchLayout.lengthsOf(batchSeqs)),
              kernel);
      for (int i = 0; i < members.length; i++) {
        results.set(members[i], out.get(i));
      }
      stats =
          stats.plus(
              new BatchStats(
                  1, real, BatchPlanner.paddedTokens(lengths, members), System.nanoTime() - t0));
    }
    return new TaskResult<>(results, stats);
  }

  /**
   * Runs a text task over texts: each text is planned (tokenized, cut into windows), the sequences
   * of all texts run together in batches cut by {@code planner}, and each text's values are
   * combined by its plan. One value per text, in input order.
   */
  public <V> TaskResult<V> runTexts(TextTask<V> task, List<String> texts, BatchPlanner planner) {
    require(task);
    List<TextPlan<?, ?, V>> plans = new ArrayList<>(texts.size());
    for (String text : texts) {
      plans.add(task.plan(this, text));
    }
    return runPlans(plans, planner);
  }

  /**
   * The synchronous face of the plan runner ({@link TextPlans}): texts already planned ({@link
   * TextTask#plan}) share batches cut by {@code planner}, and each plan combines its values here,
   * on the calling thread; one value per plan, in order.
   *
   * @throws IllegalStateException when a plan's combine fails (the message says why)
   */
  public <V> TaskResult<V> runPlans(List<TextPlan<?, ?, V>> planned, BatchPlanner planner) {
    List<V> values = new ArrayList<>(Collections.nCopies(planned.size(), (V) null));
    BatchStats stats = BatchStats.NONE;
    for (TextPlans.Group<?, ?, V> g : TextPlans.of(planned).groups()) {
      stats = stats.plus(runGroup(g, planner, values));
    }
    return new TaskResult<>(values, stats);
  }

  /** {@link #runTexts(TextTask, List, BatchPlanner)} with this encoder's default planner. */
  public <V> TaskResult<V> runTexts(TextTask<V> task, List<String> texts) {
    return runTexts(task, texts, options.planner());
  }

  private <A, W, V> BatchStats runGroup(
      TextPlans.Group<A, W, V> g, BatchPlanner planner, List<V> values) {
    TaskResult<W> r =
        g.ids().isEmpty() // plans that need no forward pass (e.g. lines without a mask)
            ? new TaskResult<>(List.of(), BatchStats.NONE)
            : run(g.task(), g.ids(), g.args(), planner);
    List<Outcome<V>> combined = g.combine(Outcome.allOf(r.values()));
    for (int p = 0; p < combined.size(); p++) {
      Outcome<V> o = combined.get(p);
      if (o.failed()) {
        throw new IllegalStateException(o.error());
      }
      values.set(g.texts().get(p), o.value());
    }
    return r.stats();
  }

  /** {@link #run(EncoderTask, List, List, BatchPlanner)} with this encoder's default planner. */
  public <A, V> TaskResult<V> run(EncoderTask<A, V> task, List<int[]> sequences, List<A> args) {
    return run(task, sequences, args, options.planner());
  }

  /**
   * One batch in a given layout and attention kernel, outside the planner: the naive baseline and
   * layer tests use it. Does not check the task's requirements ({@link #run} does).
   */
  public <A, V> List<V> runBatch(
      EncoderTask<A, V> task,
      List<int[]> sequences,
      List<A> args,
      BatchLayout layout,
      AttentionKernel attention) {
    try (BatchTensors batch = model.newBatch(sequences, layout);
        NDScope scope = new NDScope()) {
      NDArray hidden = model.forward(batch, attention);
      return task.read(TaskBatch.of(this, batch, hidden, sequences, args));
    }
  }

  /**
   * Pooled (and optionally L2-normalised) embeddings, one per sequence. Works with any checkpoint:
   * a classifier or MLM checkpoint embeds with its encoder, and its task head is not used.
   */
  public List<float[]> embed(List<int[]> sequences, Pooling pooling, boolean normalize) {
    return run(new Embed(pooling, normalize), sequences, null).values();
  }

  /**
   * Sequence classification with a {@code ModernBertForSequenceClassification} checkpoint: pooled
   * per {@code classifier_pooling}, then the head and classifier; scores per {@code problem_type}.
   * One result per sequence, in input order.
   *
   * @throws CheckpointException when the checkpoint has another head (the message names it)
   */
  public List<SequenceClassification> classify(List<int[]> sequences) {
    return run(new SequenceClassify(), sequences, null).values();
  }

  /**
   * Token classification with a {@code ModernBertForTokenClassification} checkpoint: logits, label
   * and top probability for every token (special tokens included), in input order. No entities: ids
   * carry no character offsets (see {@link #tokenClassify(List, List)}).
   *
   * @throws CheckpointException when the checkpoint has another head (the message names it)
   */
  public List<TokenClassification> tokenClassify(List<int[]> sequences) {
    return run(new TokenClassify(), sequences, null).values();
  }

  /**
   * Token classification of tokenized texts, with entities: {@code tokens.get(i)} is {@code
   * texts.get(i)} as {@link #tokenize} gave it.
   */
  public List<TokenClassification> tokenClassify(List<TokenizedText> tokens, List<String> texts) {
    if (tokens.size() != texts.size()) {
      throw new IllegalArgumentException("tokens and texts differ in number");
    }
    List<SourceText> sources = new ArrayList<>(tokens.size());
    for (int i = 0; i < tokens.size(); i++) {
      sources.add(new SourceText(texts.get(i), tokens.get(i)));
    }
    return run(new TokenClassify(), tokens.stream().map(TokenizedText::ids).toList(), sources)
        .values();
  }

  /** Tokenizes {@code texts} and classifies their tokens, with entities. */
  public List<TokenClassification> tokenClassifyTexts(List<String> texts) {
    return tokenClassify(texts.stream().map(this::tokenize).toList(), texts);
  }

  /** {@code last_hidden_state}: {@code [length][hidden]} per sequence. */
  public List<float[][]> lastHiddenState(List<int[]> sequences) {
    return run(new HiddenStates(), sequences, null).values();
  }

  /** MLM logits {@code [positions][vocab]} at the given positions of each sequence. */
  public List<float[][]> maskedLmLogits(List<int[]> sequences, List<int[]> positions) {
    return run(new MaskedLmLogits(), sequences, positions).values();
  }

  @Override
  public void close() {
    model.close();
    if (tokenizer != null) {
      tokenizer.close();
    }
  }
}
