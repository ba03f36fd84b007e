package dev.modernbert.encoder.options;

import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.GemmSpec;
import java.util.List;

/**
 * How the model is found and run: the options of every stage, the job and every CLI row command.
 */
public final class RunOptions {
  private RunOptions() {}

  /** Rows a Spark task gathers, length-sorts and submits together. */
  public static final int DEFAULT_SORT_WINDOW_ROWS = 1024;

  public static final Option<String> MODEL_PATH =
      Option.text(
              "modelPath",
              "ModernBERT checkpoint folder: a local path (on Spark: present on every executor),"
                  + " any Hadoop FileSystem URI (hdfs://, s3a://, file://, ...; copied once per"
                  + " executor), a Hugging Face Hub id (org/name, org/name@revision or"
                  + " hf://org/name[@revision]; pinned to one commit, fetched into the Hugging"
                  + " Face cache), or demo",
              null)
          .withFlag("--model");

  public static final Option<Integer> MAX_LENGTH =
      Option.integer(
          "maxLength",
          "tokens per text after truncation, special tokens included (at least the tokenizer's"
              + " special-token count, checked when the model loads); 0 = the folder's"
              + " max_seq_length / model_max_length capped at max_position_embeddings, else"
              + " max_position_embeddings",
          0,
          0);

  public static final Option<Integer> BATCH_TOKENS =
      Option.integer(
          "batchTokens",
          "padded-token budget per batch (rows x longest)",
          BatchPlanner.DEFAULT_BATCH_TOKENS,
          1);

  public static final Option<Integer> MAX_BATCH_ROWS =
      Option.integer("maxBatchRows", "most rows per batch", BatchPlanner.DEFAULT_MAX_BATCH_ROWS, 1);

  public static final Option<Integer> SORT_WINDOW_ROWS =
      Option.integer(
          "sortWindowRows",
          "rows a Spark task gathers, length-sorts and submits together; bounds memory per task",
          DEFAULT_SORT_WINDOW_ROWS,
          1);

  public static final Option<String> DEVICE =
      Option.matching(
          "device",
          "auto | cpu | cuda | cuda:N: auto uses a GPU when there is one (on Spark: the task's"
              + " GPU resource), else the CPU; on Spark, cuda requires a GPU resource",
          "auto",
          DeviceSpec.DEVICES,
          DeviceSpec::isValid);

  public static final Option<String> DTYPE =
      Option.choice(
          "dtype",
          "auto | float32 | float16 | bfloat16: auto is float16 on a GPU and float32 on the CPU;"
              + " bfloat16 runs the encoder's matrix products in bf16 on CPUs with AVX512-BF16"
              + " or AMX (the rest float32) and is refused elsewhere, and where gemm=auto measures"
              + " it no faster than float32",
          "auto",
          DeviceSpec.DTYPES);

  public static final Option<String> GEMM =
      Option.choice(
          "gemm",
          "auto | default | onednn: the CPU's matrix-product route; auto measures both at model"
              + " load and takes the faster (the outputs are the same); the others force one,"
              + " for A/B tests",
          "auto",
          GemmSpec.NAMES);

  public static final Option<Integer> NUM_THREADS =
      Option.integer(
          "numThreads",
          "libtorch intra-op threads; 0 = all cores (on Spark: the executor's cores,"
              + " spark.executor.cores, else the available processors)",
          0,
          0);

  /**
   * The options that change only how fast outputs come, not what they hold (a resumed checkpointed
   * job may change them): batch sizes, sort window, device, matrix-product route, threads.
   */
  public static final List<Option<?>> SPEED_ONLY =
      List.of(BATCH_TOKENS, MAX_BATCH_ROWS, SORT_WINDOW_ROWS, DEVICE, GEMM, NUM_THREADS);

  /** Every option of this catalog, in reference order. */
  public static final List<Option<?>> ALL =
      List.of(
          MODEL_PATH,
          MAX_LENGTH,
          BATCH_TOKENS,
          MAX_BATCH_ROWS,
          SORT_WINDOW_ROWS,
          DEVICE,
          DTYPE,
          GEMM,
          NUM_THREADS);
}
