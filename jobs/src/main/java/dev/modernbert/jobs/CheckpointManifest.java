package dev.modernbert.jobs;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.options.RunOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a {@code --checkpoint} folder was made for, kept beside Spark's own files in {@value #FILE}:
 * the input, the output, the task, the model and the options that change the output's rows. A run
 * whose values differ is refused before anything runs, naming each difference (Spark itself would
 * only check the query's shape, and would happily append another model's vectors).
 *
 * @param input the input path, qualified
 * @param output the output path, qualified
 * @param task the {@code --task}
 * @param model the {@code --model}
 * @param settings the output-shaping options ({@link #SETTINGS}) and their values
 */
record CheckpointManifest(
    String input, String output, String task, String model, Map<String, String> settings) {
  static final String FILE = "modernbert-job.json";

  /**
   * Options that change what the output holds: the job's input and output shaping flags, and every
   * stage option but the speed-only ones ({@link RunOptions#SPEED_ONLY}) and the model (compared on
   * its own). Built from the declarations, so a new stage option is compared without a line here.
   */
  static final List<String> SETTINGS = outputShapingKeys();

  private static List<String> outputShapingKeys() {
    List<String> keys = new ArrayList<>();
    for (Option<?> o :
        List.of(
            JobFlags.INPUT_FORMAT, JobFlags.ID_COL, JobFlags.KEEP_COLS, JobFlags.OUTPUT_FORMAT)) {
      keys.add(o.key());
    }
    for (Option<?> o : JobOptions.OPTIONS) {
      boolean stageOption = !JobScopes.tasksTaking(o).isEmpty();
      if (stageOption && o != RunOptions.MODEL_PATH && !RunOptions.SPEED_ONLY.contains(o)) {
        keys.add(o.key());
      }
    }
    return List.copyOf(keys);
  }

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  static CheckpointManifest of(
      JobOptions o, String task, String input, String output, Configuration conf) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String k : SETTINGS) {
      settings.put(k, o.get(k));
    }
    return new CheckpointManifest(
        qualified(input, conf), qualified(output, conf), task, o.get("model"), settings);
  }

  static String qualified(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      return p.getFileSystem(conf).makeQualified(p).toString();
    } catch (IOException e) {
      throw JobException.usage(path + ": cannot resolve it: " + e.getMessage());
    }
  }

  /** The differences from {@code made} (what the checkpoint was made for), one phrase each. */
  List<String> differencesFrom(CheckpointManifest made) {
    List<String> d = new ArrayList<>();
    compare(d, "input", made.input, input);
    compare(d, "output", made.output, output);
    compare(d, "task", made.task, task);
    compare(d, "model", made.model, model);
    for (String k : SETTINGS) {
      if (made.settings.containsKey(k)) { // an earlier version may not have recorded it
        compare(d, k, made.settings.get(k), settings.get(k));
      }
    }
    return d;
  }

  private static void compare(List<String> d, String what, String made, String now) {
    if (!String.valueOf(made).equals(String.valueOf(now))) {
      d.add("--" + what + " was " + made + ", now " + now);
    }
  }

  /** The manifest in {@code checkpoint}, or null when there is none. */
  static CheckpointManifest read(Path checkpoint, Configuration conf) {
    Path p = new Path(checkpoint, FILE);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        return null;
      }
      try (InputStream in = fs.open(p)) {
        CheckpointManifest m =
            GSON.fromJson(
                new String(in.readAllBytes(), StandardCharsets.UTF_8), CheckpointManifest.class);
        if (m == null || m.input == null || m.settings == null) {
          throw new JsonParseException("fields missing");
        }
        return m;
      }
    } catch (IOException | JsonParseException e) {
      throw JobException.usage(
          "--checkpoint "
              + checkpoint
              + ": cannot read "
              + p
              + " ("
              + e.getMessage()
              + "); it is not a checkpoint of this job, or it is damaged: give another folder");
    }
  }

  void write(Path checkpoint, Configuration conf) {
    Path p = new Path(checkpoint, FILE);
    try (OutputStream os = p.getFileSystem(conf).create(p, true)) {
      os.write((GSON.toJson(this) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new JobException(JobException.FAILURE, "cannot write " + p + ": " + e, e);
    }
  }
}
