package dev.modernbert.encoder.pipeline;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prompts of {@code config_sentence_transformers.json}: {@code prompts} by name and {@code
 * default_prompt_name}.
 *
 * @param defaultName null when the folder names none
 */
public record Prompts(Map<String, String> byName, String defaultName) {
  public static final Prompts NONE = new Prompts(Map.of(), null);

  public Prompts {
    byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
  }

  /**
   * The prompts of {@code modelDir}'s {@code config_sentence_transformers.json} (none if absent).
   */
  public static Prompts read(Path modelDir) {
    Path file = modelDir.resolve("config_sentence_transformers.json");
    JsonObject json = JsonFiles.objectOrEmpty(file);
    Map<String, String> prompts = new LinkedHashMap<>();
    JsonElement p = json.get("prompts");
    if (p != null && p.isJsonObject()) {
      for (String name : p.getAsJsonObject().keySet()) {
        prompts.put(name, JsonFiles.string(p.getAsJsonObject(), name, "", file));
      }
    }
    String def = JsonFiles.string(json, "default_prompt_name", null, file);
    if (def != null && !prompts.containsKey(def)) {
      throw new CheckpointException(
          file
              + ": default_prompt_name \""
              + def
              + "\" is not among its prompts "
              + names(prompts));
    }
    return new Prompts(prompts, def);
  }

  /**
   * The prompt to put before each text, as sentence-transformers chooses it: an explicit {@code
   * prompt} wins (an empty one means no prompt, even when a default exists); else {@code
   * promptName} is looked up; else the default prompt; else none ({@code ""}).
   *
   * @param prompt null when not given
   * @param promptName null or empty when not given
   * @throws IllegalArgumentException for a name the folder does not have, listing the names
   */
  public String resolve(String prompt, String promptName) {
    if (prompt != null) {
      return prompt;
    }
    if (promptName != null && !promptName.isEmpty()) {
      String p = byName.get(promptName);
      if (p == null) {
        throw new IllegalArgumentException(
            "unknown prompt name \""
                + promptName
                + "\": "
                + (byName.isEmpty()
                    ? "the model defines no prompts (config_sentence_transformers.json)"
                    : "the model's prompts are " + names(byName)));
      }
      return p;
    }
    return defaultName == null ? "" : byName.get(defaultName);
  }

  private static String names(Map<String, String> prompts) {
    return String.join(", ", prompts.keySet());
  }
}
