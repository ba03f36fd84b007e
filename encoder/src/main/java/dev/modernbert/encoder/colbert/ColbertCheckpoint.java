package dev.modernbert.encoder.colbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import dev.modernbert.encoder.pipeline.DenseActivation;
import dev.modernbert.encoder.pipeline.DenseModule;
import dev.modernbert.encoder.pool.Pooler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A PyLate ColBERT folder, read as PyLate 1.4.0 loads it: {@code modules.json} lists the
 * Transformer (the encoder at the folder's root) and one or more {@code pylate.models.Dense.Dense}
 * modules applied to every token in order (sentence-transformers Dense modules are converted to
 * PyLate's, and other modules such as Pooling are dropped, as PyLate does); {@code
 * config_sentence_transformers.json} holds the {@link ColbertSettings}; the prefix tokens and
 * skiplist words are looked up in {@code tokenizer.json}.
 */
public final class ColbertCheckpoint {
  /** The module type that makes a folder a PyLate ColBERT folder. */
  public static final String PYLATE_DENSE = "pylate.models.Dense.Dense";

  private final Path dir;
  private final ColbertSettings settings;
  private final List<DenseModule> denses;
  private final TokenVocabulary vocabulary;
  private final Map<InputsKey, ColbertInputs> inputs = new ConcurrentHashMap<>();

  private ColbertCheckpoint(
      Path dir, ColbertSettings settings, List<DenseModule> denses, TokenVocabulary vocabulary) {
    this.dir = dir;
    this.settings = settings;
    this.denses = denses;
    this.vocabulary = vocabulary;
  }

  /**
   * Reads {@code dir}; a folder that is not a PyLate ColBERT folder is refused with a {@link
   * CheckpointException} that says what is missing.
   */
  public static ColbertCheckpoint read(Path dir) {
    Path modules = dir.resolve("modules.json");
    if (!Files.isRegularFile(modules)) {
      throw notPylate(dir, "it has no modules.json");
    }
    JsonElement list = JsonFiles.read(modules);
    if (!list.isJsonArray()) {
      throw new CheckpointException(modules + " must hold a list of modules");
    }
    List<DenseModule> denses = new ArrayList<>();
    boolean pylate = false;
    for (JsonElement e : list.getAsJsonArray()) {
      if (!e.isJsonObject()) {
        throw JsonFiles.bad(modules, "each module", "an object", e);
      }
      JsonObject m = e.getAsJsonObject();
      String type = JsonFiles.string(m, "type", "", modules);
      String path = JsonFiles.string(m, "path", "", modules);
      if (path.indexOf('\0') >= 0) {
        throw new CheckpointException(
            modules + ": module path \"" + path + "\" is not a file name");
      }
      if (type.endsWith(".Transformer") && !path.isEmpty()) {
        throw new CheckpointException(
            modules + ": the Transformer is in \"" + path + "\"; only \"\" (the folder) is read");
      }
      if (type.equals(PYLATE_DENSE) || type.endsWith(".Dense")) {
        pylate |= type.equals(PYLATE_DENSE);
        denses.add(DenseModule.read(dir.resolve(path), DenseActivation.IDENTITY));
      }
    }
    if (!pylate) {
      throw notPylate(dir, "modules.json lists no " + PYLATE_DENSE + " (the per-token projection)");
    }
    for (int i = 1; i < denses.size(); i++) {
      if (denses.get(i).inFeatures() != denses.get(i - 1).outFeatures()) {
        throw new CheckpointException(
            modules
                + ": Dense module "
                + (i + 1)
                + " takes "
                + denses.get(i).inFeatures()
                + " values but the one before gives "
                + denses.get(i - 1).outFeatures());
      }
    }
    Path tokenizer = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizer)) {
      throw new CheckpointException(
          "no tokenizer.json in " + dir + ": ColBERT needs it for the prefix and skiplist tokens");
    }
    ColbertSettings settings = ColbertSettings.read(dir);
    return new ColbertCheckpoint(
        dir, settings, List.copyOf(denses), TokenVocabulary.read(tokenizer));
  }

  private static CheckpointException notPylate(Path dir, String why) {
    return new CheckpointException(
        dir
            + " is not a PyLate ColBERT folder: "
            + why
            + ". Give a folder saved by PyLate (e.g. lightonai/GTE-ModernColBERT-v1)");
  }

  /** The folder's settings, before any override. */
  public ColbertSettings settings() {
    return settings;
  }

  /** Values per token vector: the last Dense module's output width. */
  public int dimension() {
    return denses.get(denses.size() - 1).outFeatures();
  }

  /** The encoder width the first Dense module expects. */
  public int hiddenSize() {
    return denses.get(0).inFeatures();
  }

  /**
   * How texts of {@code role} become ids and rows under {@code overrides}; {@code maskId} is the
   * tokenizer's mask token (query expansion pads with it).
   */
  public ColbertInputs inputs(ColbertRole role, ColbertOverrides overrides, OptionalInt maskId) {
    // every text asks for these: built once per (role, overrides, mask)
    return inputs.computeIfAbsent(
        new InputsKey(role, overrides, maskId), k -> newInputs(role, overrides, maskId));
  }

  private record InputsKey(ColbertRole role, ColbertOverrides overrides, OptionalInt maskId) {}

  private ColbertInputs newInputs(
      ColbertRole role, ColbertOverrides overrides, OptionalInt maskId) {
    ColbertSettings s = settings.with(overrides);
    String prefix = s.prefix(role);
    OptionalInt prefixId = OptionalInt.empty();
    if (!prefix.isEmpty()) {
      prefixId = vocabulary.exact(prefix);
      if (prefixId.isEmpty()) {
        throw new CheckpointException(
            dir.resolve("tokenizer.json")
                + " has no token \""
                + prefix
                + "\" (the "
                + role.label()
                + " prefix of config_sentence_transformers.json); PyLate adds it when it saves");
      }
    }
    boolean expand = role == ColbertRole.QUERY && s.doQueryExpansion();
    if (expand && maskId.isEmpty()) {
      throw new CheckpointException(
          dir
              + ": query expansion pads with the mask token, but the tokenizer has none;"
              + " set doQueryExpansion to false");
    }
    Set<Integer> skiplist = new HashSet<>();
    if (role == ColbertRole.DOCUMENT) {
      for (String word : s.skiplistWords()) {
        vocabulary.id(word).ifPresent(skiplist::add);
      }
    }
    return new ColbertInputs(
        role,
        s.length(role),
        prefixId,
        s.prompt(),
        expand ? maskId : OptionalInt.empty(),
        expand && s.attendToExpansionTokens(),
        skiplist);
  }

  /**
   * Every Dense module on {@code rows} ({@code [n, hidden]}), then L2 per row: {@code [n, dim]}.
   * The projection runs in float32 whatever the encoder's dtype, as PyLate's golden vectors do.
   */
  public NDArray project(NDArray rows) {
    NDArray x =
        rows.getDataType() == DataType.FLOAT32 ? rows : rows.toType(DataType.FLOAT32, false);
    for (DenseModule d : denses) {
      x = d.apply(x);
    }
    return Pooler.l2Normalize(x);
  }
}
