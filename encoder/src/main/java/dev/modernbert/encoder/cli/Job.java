package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.hub.HubException;
import dev.modernbert.encoder.options.RunOptions;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.source.ModelSource;
import dev.modernbert.encoder.task.TextTask;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * What the row commands share (one per output of the registry, {@link
 * dev.modernbert.encoder.task.Output}: {@code encode}, {@code classify}, {@code token-classify},
 * {@code fill-mask}, {@code colbert}; and {@code tokenize}): the model, input and output flags, the
 * encoder's run options, and loading the model. Relative paths resolve against the working
 * directory the user started the command in.
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

  /** Said after every row command's options: what --model reads. */
  static final String MODEL_NOTE =
      """

      --model takes a local folder (it wins over a Hub id of the same name), demo, or a Hugging
      Face Hub id org/name[@revision] (also hf://org/name[@revision]), fetched into the Hugging
      Face cache. Weights are model.safetensors or pytorch_model.bin (zip format, read as data:
      never unpickled as code), either one possibly sharded with its .index.json.
      """;

  /**
   * The job of the flags; {@code --output -} writes to {@code stdout} (then {@link #output} is
   * {@code -} and {@link #stdout} non-null).
   */
  static Job from(Flags f, PrintStream stdout) {
    String cmd = f.command();
    String model = f.required(CliOptions.MODEL.flag());
    String in = f.required(CliOptions.INPUT.flag());
    String out = f.required(CliOptions.OUTPUT.flag());
    int maxLength = f.value(RunOptions.MAX_LENGTH); // the tokenizer checks its own minimum
    int batchTokens = f.value(RunOptions.BATCH_TOKENS);
    DeviceSpec device = DeviceSpec.parse(f.value(CliOptions.DEVICE)); // checked: valid
    DtypeSpec dtype = DtypeSpec.parse(f.value(CliOptions.DTYPE));
    GemmSpec gemm = GemmSpec.parse(f.value(RunOptions.GEMM)); // checked: valid
    int threads = f.value(CliOptions.THREADS);
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
            .withGemm(gemm)
            .withMaxLength(maxLength)
            .withBatchTokens(batchTokens)
            .withNumThreads(threads);
    return new Job(cmd, model, modelDir, input, output, options, blockRows, stdout);
  }

  /** {@code --block-rows}, or its older name {@code --chunk-rows} (not both). */
  private static int blockRows(Flags f) {
    if (f.has(CliOptions.BLOCK_ROWS) && f.has(CliOptions.CHUNK_ROWS)) {
      throw CliException.usage(
          f.command(),
          CliOptions.CHUNK_ROWS.flag()
              + " is an older name of "
              + CliOptions.BLOCK_ROWS.flag()
              + ": give one");
    }
    return f.value(f.has(CliOptions.CHUNK_ROWS) ? CliOptions.CHUNK_ROWS : CliOptions.BLOCK_ROWS);
  }

  /**
   * The folder of {@code --model}: {@code demo}, a local folder (which wins), or a Hugging Face Hub
   * id, downloaded into the Hugging Face cache unless there.
   */
  static Path modelDir(String cmd, String model) {
    Path dir;
    try {
      dir = ModelSource.parse(model).localize().toAbsolutePath();
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
