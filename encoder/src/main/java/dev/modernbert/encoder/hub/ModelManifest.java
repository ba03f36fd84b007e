package dev.modernbert.encoder.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The files of a repository that loading it as a model needs, and no others: the transformer's
 * config, tokenizer and weights; the sentence-transformers files and each module folder that {@code
 * modules.json} lists (its {@code config.json}, and the weights of modules that have some). Weights
 * are {@code model.safetensors}, else {@code model.safetensors.index.json} and its shards, else
 * {@code pytorch_model.bin}, else its index and shards.
 */
final class ModelManifest {
  /** Gets one file of the repository: its local path, or empty when the repository lacks it. */
  interface Source {
    /**
     * The local path of {@code file}; empty when the repository lacks it and it is optional.
     *
     * @throws HubException when it is required (or known to exist) and cannot be had, saying why
     */
    Optional<Path> get(String file, boolean required);

    /**
     * True when {@code file} was not had only because it could not be looked up (offline and not in
     * the cache), so the repository may well have it.
     */
    default boolean unknown(String file) {
      return false;
    }
  }

  static final String CONFIG = "config.json";
  static final String MODULES = "modules.json";
  private static final List<String> TOKENIZER =
      List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");
  private static final List<String> SENTENCE_TRANSFORMERS =
      List.of("config_sentence_transformers.json", "sentence_bert_config.json");
  // what weights() looks for, in its order
  private static final List<String> WEIGHTS =
      List.of(
          "model.safetensors",
          "model.safetensors.index.json",
          "pytorch_model.bin",
          "pytorch_model.bin.index.json");
  // module types without weights of their own
  private static final Set<String> WEIGHTLESS = Set.of("Pooling", "Normalize");

  private ModelManifest() {}

  /** Gets every file the model needs from {@code source}; {@code what} names it in errors. */
  static void fetch(Source source, String what) {
    Optional<Path> modules = source.get(MODULES, false);
    for (String f : SENTENCE_TRANSFORMERS) {
      source.get(f, false);
    }
    List<String[]> list = modules.isPresent() ? modules(modules.get(), what) : List.of();
    Set<String> transformers = new LinkedHashSet<>();
    for (String[] m : list) {
      if (simpleType(m[1]).equals("Transformer")) {
        transformers.add(m[0]);
      }
    }
    if (transformers.isEmpty()) {
      transformers.add(""); // a plain transformers checkpoint, or the model at the root
    }
    for (String prefix : transformers) {
      source.get(prefix + CONFIG, true);
      for (String f : TOKENIZER) {
        source.get(prefix + f, false);
      }
      if (!prefix.isEmpty()) {
        source.get(prefix + "sentence_bert_config.json", false);
      }
      if (!weights(source, prefix, true, what)) {
        for (String f : WEIGHTS) {
          if (source.unknown(prefix + f)) {
            source.get(prefix + f, true); // says why it could not be had (offline, not cached)
          }
        }
        throw new HubException(
            HubException.Kind.ENTRY_NOT_FOUND,
            what
                + ": no weights in the repository ("
                + prefix
                + "model.safetensors, "
                + prefix
                + "pytorch_model.bin or their .index.json)");
      }
    }
    for (String[] m : list) {
      if (m[0].isEmpty() || transformers.contains(m[0])) {
        continue;
      }
      source.get(m[0] + CONFIG, false);
      if (!WEIGHTLESS.contains(simpleType(m[1]))) {
        weights(source, m[0], false, what);
      }
    }
  }

  private static boolean weights(Source source, String prefix, boolean sharded, String what) {
    for (String base : List.of("model.safetensors", "pytorch_model.bin")) {
      if (source.get(prefix + base, false).isPresent()) {
        return true;
      }
      if (!sharded) {
        continue;
      }
      Optional<Path> index = source.get(prefix + base + ".index.json", false);
      if (index.isPresent()) {
        for (String shard : shards(index.get(), what)) {
          source.get(prefix + shard, true);
        }
        return true;
      }
    }
    return false;
  }

  /** The {@code (path + "/", type)} of each module in {@code modules.json}; root path is "". */
  private static List<String[]> modules(Path file, String what) {
    JsonElement json = parse(file, what + ": " + MODULES);
    if (!json.isJsonArray()) {
      throw new HubException(
          HubException.Kind.PROTOCOL, what + ": " + MODULES + " is not a JSON list of modules");
    }
    List<String[]> out = new ArrayList<>();
    int index = 0;
    for (JsonElement e : json.getAsJsonArray()) {
      JsonObject o = e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
      String path = string(o, "path", index, what);
      String type = string(o, "type", index++, what);
      String prefix = path.isEmpty() ? "" : checkName(path, what, MODULES) + "/";
      out.add(new String[] {prefix, type});
    }
    return out;
  }

  /** The shard file names an index's {@code weight_map} lists, each once. */
  private static Set<String> shards(Path index, String what) {
    JsonElement json = parse(index, what + ": " + index.getFileName());
    JsonElement map = json.isJsonObject() ? json.getAsJsonObject().get("weight_map") : null;
    if (map == null || !map.isJsonObject()) {
      throw new HubException(
          HubException.Kind.PROTOCOL,
          what + ": " + index.getFileName() + " has no weight_map object");
    }
    Set<String> out = new LinkedHashSet<>();
    for (var e : map.getAsJsonObject().entrySet()) {
      JsonElement v = e.getValue();
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
        throw new HubException(
            HubException.Kind.PROTOCOL,
            what
                + ": "
                + index.getFileName()
                + " maps "
                + quoted(e.getKey())
                + " to "
                + json(v)
                + ", not to a file name");
      }
      out.add(checkName(v.getAsString(), what, index.getFileName().toString()));
    }
    return out;
  }

  /** The string {@code key} of module number {@code index}, or "" when it has none. */
  private static String string(JsonObject module, String key, int index, String what) {
    JsonElement v = module.get(key);
    if (v == null) {
      return "";
    }
    if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
      throw new HubException(
          HubException.Kind.PROTOCOL,
          what
              + ": "
              + MODULES
              + ": the \""
              + key
              + "\" of module "
              + index
              + " is "
              + json(v)
              + ", not a string");
    }
    return v.getAsString();
  }

  /** A JSON value as JSON text (on one line: Gson escapes control characters), shortened. */
  private static String json(JsonElement v) {
    String t = v.toString();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /** {@code s} in quotes on one line: control characters escaped, at most 200 characters. */
  static String quoted(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length() && i < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append(s.length() > 200 ? "...\"" : "\"").toString();
  }

  /**
   * A downloaded JSON file, through the one reader; a file that is not JSON is the server's fault.
   */
  private static JsonElement parse(Path file, String name) {
    try {
      return JsonFiles.read(file);
    } catch (CheckpointException e) {
      if (e.getCause() instanceof CharacterCodingException) {
        throw new HubException(HubException.Kind.PROTOCOL, name + " is not UTF-8 text");
      }
      if (e.getCause() instanceof IOException io) {
        throw new UncheckedIOException("cannot read " + file, io);
      }
      throw new HubException(
          HubException.Kind.PROTOCOL,
          name + " is not valid JSON: " + JsonFiles.firstLine(e.getCause()));
    }
  }

  /** A file or folder name inside the repository: relative, no {@code ..}, no backslash. */
  static String checkName(String name, String what, String listedIn) {
    String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    boolean ok = !n.isEmpty() && !n.startsWith("/") && !n.contains("\\") && !n.contains("//");
    for (String part : n.split("/")) {
      // a file name a file system holds: no control character, no lone UTF-16 surrogate (no
      // UTF-8 form: Path refuses it), at most 255 bytes
      ok &=
          !part.equals("..")
              && !part.equals(".")
              && part.chars().noneMatch(c -> c < 0x20 || c == 0x7f)
              && part.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)
              && part.getBytes(StandardCharsets.UTF_8).length <= 255;
    }
    if (!ok) {
      throw new HubException(
          HubException.Kind.PROTOCOL,
          what
              + ": "
              + listedIn
              + " names "
              + quoted(name)
              + ", which is not a file in the repository");
    }
    return n;
  }

  private static String simpleType(String type) {
    return type.substring(type.lastIndexOf('.') + 1);
  }
}
