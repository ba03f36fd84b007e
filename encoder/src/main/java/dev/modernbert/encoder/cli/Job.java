package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.config.CheckpointException;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.hub.HubException;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.task.TextTask;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the row commands ({@code encode}, {@code fill-mask}, {@code classify}, {@code
 * token-classify}) share: the model, input and output flags, the encoder's run options, and loading
 * the model. Relative paths resolve against the working directory the user started the command in.
 */
record Job(
    String command,
    String model,
    Path modelDir,
    Path input,
    Path output,
    EncoderOptions options,
    int blockRows,
    PrintStream stdout) {

  /** {@code --output -}: standard output. */
  static final String STDOUT = "-";

  /** Names of standard output that are written like {@code -}: never reopened, never replaced. */
  private static final Set<Path> STDOUT_NAMES =
      Set.of(Path.of("/dev/stdout"), Path.of("/dev/fd/1"), Path.of("/proc/self/fd/1"));

  /**
   * Input lines per encoder call (a block): large enough to batch well, small enough to bound
   * memory.
   */
  static final int DEFAULT_BLOCK_ROWS = 4096;

  /** Output floats a block of lines may hold in memory before it is written (256 MiB). */
  static final long BLOCK_FLOAT_BUDGET = 64L << 20;

  /** The flag of {@link #blockRows}, and its older name, still accepted. */
  static final String BLOCK_ROWS = "--block-rows";

  static final String BLOCK_ROWS_ALIAS = "--chunk-rows";

  static final Set<String> FLAGS =
      Set.of(
          "--model",
          "--input",
          "--output",
          "--max-length",
          "--batch-tokens",
          "--device",
          "--dtype",
          "--threads",
          BLOCK_ROWS,
          BLOCK_ROWS_ALIAS);

  /** Help lines for the options every row command takes, after its own. */
  static final String RUN_OPTIONS_HELP =
      """
        --max-length N       truncate texts to N tokens, special tokens included (default: the
                             folder's max_seq_length / model_max_length, capped at
                             max_position_embeddings, else max_position_embeddings)
        --batch-tokens N     token budget per batch (default %d)
        --device D           auto, cpu, cuda or cuda:N (default cpu; auto: GPU 0 if any)
        --dtype T            auto, float32, float16 or bfloat16 (default float32; auto:
                             float16 on a GPU; bfloat16: bf16 products on CPUs with
                             AVX512-BF16 or AMX, the rest float32)
        --threads N          libtorch intra-op threads (default: all cores)
        --block-rows N       input lines per encoder call, bounds memory (default %d);
                             --chunk-rows N is an older name for it
        --help               this text

      --model takes a local folder (it wins over a Hub id of the same name), demo, or a Hugging
      Face Hub id org/name[@revision] (also hf://org/name[@revision]), fetched into the Hugging
      Face cache. Weights are model.safetensors or pytorch_model.bin (zip format, read as data:
      never unpickled as code), either one possibly sharded with its .index.json.
      """
          .formatted(BatchPlanner.DEFAULT_BATCH_TOKENS, DEFAULT_BLOCK_ROWS);

  /**
   * The job of the flags; {@code --output -} writes to {@code stdout} (then {@link #output} is
   * {@code -} and {@link #stdout} non-null).
   */
  static Job from(Flags f, PrintStream stdout) {
    String cmd = f.command();
    String model = f.required("--model");
    String in = f.required("--input");
    String out = f.required("--output");
    int maxLength = f.intAtLeast("--max-length", 0, 1); // the tokenizer checks its own minimum
    int batchTokens = f.intAtLeast("--batch-tokens", BatchPlanner.DEFAULT_BATCH_TOKENS, 1);
    String device;
    try {
      device = DeviceSpec.parse(f.get("--device", "cpu")).toString();
    } catch (IllegalArgumentException e) {
      throw CliException.usage(cmd, "--device: " + e.getMessage());
    }
    String dtype = f.choice("--dtype", "float32", DeviceSpec.DTYPES.toArray(new String[0]));
    int threads = f.intAtLeast("--threads", 0, 1);
    int blockRows = blockRows(f);

    Path input = Path.of(in).toAbsolutePath();
    if (!Files.isRegularFile(input)) {
      throw CliException.usage(cmd, "--input: no such file: " + in);
    }
    Path output;
    if (out.equals(STDOUT) || STDOUT_NAMES.contains(Path.of(out).toAbsolutePath().normalize())) {
      output = Path.of(STDOUT);
    } else {
      output = Path.of(out).toAbsolutePath();
      stdout = null;
      if (Files.isDirectory(output)) {
        throw CliException.usage(cmd, "--output: " + out + " is a folder, not a file");
      }
      if (!Files.isDirectory(output.getParent())) {
        throw CliException.usage(cmd, "--output: folder " + output.getParent() + " does not exist");
      }
    }

    Path modelDir = modelDir(cmd, model);
    ModernBertConfig config;
    try {
      config = ModernBertConfig.read(modelDir.resolve("config.json"));
    } catch (CheckpointException e) {
      throw CliException.usage(cmd, "--model: " + e.getMessage());
    }
    try {
      ModernBertEncoder.maxLength(maxLength, config);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(cmd, "--max-length: " + e.getMessage());
    }
    EncoderOptions options =
        EncoderOptions.defaults()
            .withDevice(device)
            .withDtype(dtype)
            .withMaxLength(maxLength)
            .withBatchTokens(batchTokens)
            .withNumThreads(threads);
    return new Job(cmd, model, modelDir, input, output, options, blockRows, stdout);
  }

  /** {@code --block-rows}, or its older name {@code --chunk-rows} (not both). */
  private static int blockRows(Flags f) {
    if (f.has(BLOCK_ROWS) && f.has(BLOCK_ROWS_ALIAS)) {
      throw CliException.usage(
          f.command(), BLOCK_ROWS_ALIAS + " is an older name of " + BLOCK_ROWS + ": give one");
    }
    String name = f.has(BLOCK_ROWS_ALIAS) ? BLOCK_ROWS_ALIAS : BLOCK_ROWS;
    return f.intAtLeast(name, DEFAULT_BLOCK_ROWS, 1);
  }

  /**
   * The folder of {@code --model}: {@code demo}, a local folder (which wins), or a Hugging Face Hub
   * id, downloaded into the Hugging Face cache unless there.
   */
  static Path modelDir(String cmd, String model) {
    Path dir;
    try {
      dir = ModernBertEncoder.resolveModel(model).toAbsolutePath();
    } catch (HubException e) {
      if (e.isUsageError()) {
        throw CliException.usage(cmd, "--model: " + e.getMessage());
      }
      throw CliException.failure("--model: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(cmd, "--model: " + e.getMessage());
    }
    if (!Files.isDirectory(dir)) {
      throw CliException.usage(
          cmd,
          "--model: no such folder: "
              + model
              + " (give a checkpoint folder, a Hugging Face Hub id such as org/name or"
              + " org/name@revision, or demo)");
    }
    return dir;
  }

  ModernBertEncoder load() {
    try {
      return ModernBertEncoder.load(modelDir, options);
    } catch (CheckpointException e) { // a damaged or crafted checkpoint is bad input: exit 2
      throw CliException.input("cannot load the model " + model + ": " + e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      throw CliException.failure(
          "cannot load the model " + model + ": " + (e.getMessage() == null ? e : e.getMessage()),
          e);
    }
  }

  /** A usage error, naming the head the checkpoint has, when it cannot run {@code task}. */
  void require(ModernBertEncoder encoder, TextTask<?> task) {
    String problem = task.problemWith(encoder);
    if (problem != null) {
      throw CliException.usage(command, "--model " + model + ": " + problem);
    }
  }

  static String rate(double tokens, double seconds) {
    return seconds <= 0 ? "-" : String.format(java.util.Locale.ROOT, "%.0f", tokens / seconds);
  }
}
