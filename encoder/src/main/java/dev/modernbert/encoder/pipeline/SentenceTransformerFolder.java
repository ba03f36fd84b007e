package dev.modernbert.encoder.pipeline;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import dev.modernbert.encoder.pool.Pooling;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a sentence-transformers folder, in the classic layout ({@code
 * sentence_transformers.models.*} types, {@code sentence_bert_config.json} with {@code
 * max_seq_length}, {@code pooling_mode_*} flags) or the 5.x one ({@code
 * sentence_transformers.base.modules.*} types, {@code pooling_mode}, the length limit as {@code
 * model_max_length} in {@code tokenizer_config.json}).
 */
public final class SentenceTransformerFolder {
  private SentenceTransformerFolder() {}

  /** Whether {@code dir} has {@code modules.json}. */
  public static boolean isOne(Path dir) {
    return Files.isRegularFile(dir.resolve("modules.json"));
  }

  /**
   * The folder's embedding pipeline: from {@code modules.json} when present; else {@code
   * 1_Pooling/config.json} when present, else CLS, with nothing after Pooling.
   */
  public static EmbeddingPipeline pipeline(Path dir) {
    Prompts prompts = Prompts.read(dir);
    boolean lowerCase =
        JsonFiles.bool(
            JsonFiles.objectOrEmpty(stConfig(dir)), "do_lower_case", false, stConfig(dir));
    if (!isOne(dir)) {
      Path pooling = dir.resolve("1_Pooling").resolve("config.json");
      PoolingModule p =
          Files.isRegularFile(pooling)
              ? PoolingModule.read(pooling)
              : PoolingModule.of(Pooling.CLS);
      return new EmbeddingPipeline(p, List.of(), prompts, lowerCase);
    }
    Path file = dir.resolve("modules.json");
    JsonElement root = JsonFiles.read(file);
    if (!root.isJsonArray()) {
      throw new CheckpointException(file + ": expected a JSON list of modules");
    }
    JsonArray modules = root.getAsJsonArray();
    PoolingModule pooling = null;
    List<VectorModule> after = new ArrayList<>();
    for (int i = 0; i < modules.size(); i++) {
      if (!modules.get(i).isJsonObject()) {
        throw JsonFiles.bad(file, "module " + i, "an object", modules.get(i));
      }
      JsonObject m = modules.get(i).getAsJsonObject();
      String type = JsonFiles.string(m, "type", "", file);
      String path = JsonFiles.string(m, "path", "", file);
      String where = file + " module " + i + " (" + type + ", path \"" + path + "\")";
      ModuleKind kind = ModuleKind.of(type, where);
      Path moduleDir;
      try {
        moduleDir = dir.resolve(path);
      } catch (InvalidPathException e) {
        throw new CheckpointException(where + ": the path is not a valid file name");
      }
      boolean first = i == 0;
      if (first != (kind == ModuleKind.TRANSFORMER)) {
        throw new CheckpointException(
            where + ": the Transformer must be the first module, and the only one");
      }
      switch (kind) {
        case TRANSFORMER:
          if (!path.isEmpty()) {
            throw new CheckpointException(
                where + ": the Transformer is read from the folder itself (path \"\")");
          }
          break;
        case POOLING:
          if (pooling != null) {
            throw new CheckpointException(where + ": a second Pooling module");
          }
          pooling = PoolingModule.read(moduleDir.resolve("config.json"));
          break;
        case DENSE:
          requirePoolingBefore(pooling, where);
          after.add(DenseModule.read(moduleDir, DenseActivation.TANH));
          break;
        case NORMALIZE:
          requirePoolingBefore(pooling, where); // its folder is empty and may be missing
          after.add(new NormalizeModule());
          break;
        default:
          throw new IllegalStateException("unhandled module kind " + kind);
      }
    }
    if (pooling == null) {
      throw new CheckpointException(
          file + ": no Pooling module, so the folder defines no sentence embedding");
    }
    return new EmbeddingPipeline(pooling, after, prompts, lowerCase);
  }

  private static void requirePoolingBefore(PoolingModule pooling, String where) {
    if (pooling == null) {
      throw new CheckpointException(
          where + ": comes before any Pooling module (per-token modules are not an embedding)");
    }
  }

  /**
   * The folder's own sequence limit, 0 when it sets none: {@code max_seq_length} of {@code
   * sentence_bert_config.json}, else {@code model_max_length} of {@code tokenizer_config.json}
   * (HF's "no limit", about 1e30, counts as none). The caller caps it at the model's positions.
   */
  public static int maxSeqLength(Path dir) {
    int st = JsonFiles.limit(JsonFiles.objectOrEmpty(stConfig(dir)), "max_seq_length");
    return st > 0
        ? st
        : JsonFiles.limit(
            JsonFiles.objectOrEmpty(dir.resolve("tokenizer_config.json")), "model_max_length");
  }

  private static Path stConfig(Path dir) {
    return dir.resolve("sentence_bert_config.json");
  }
}
