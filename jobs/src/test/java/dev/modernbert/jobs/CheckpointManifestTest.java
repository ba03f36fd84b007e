package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** What a resumed checkpointed run compares with the run that made the checkpoint. */
class CheckpointManifestTest {
  private static CheckpointManifest manifest(String... flags) {
    return CheckpointManifest.of(
        JobOptions.parse(flags), "embed", "/in", "/out", new Configuration());
  }

  @Test
  void everyOutputShapingStageOptionIsCompared() {
    for (String key : List.of("prompt-name", "truncate-dim", "long-text", "role", "query-length")) {
      assertTrue(CheckpointManifest.SETTINGS.contains(key), key);
    }
    assertEquals(
        List.of("--prompt-name was , now query"),
        manifest("--prompt-name", "query").differencesFrom(manifest()));
  }

  @Test
  void speedOnlyOptionsMayChange() {
    for (String key : List.of("batch-tokens", "max-batch-rows", "device", "gemm", "num-threads")) {
      assertTrue(!CheckpointManifest.SETTINGS.contains(key), key);
    }
    assertEquals(List.of(), manifest("--batch-tokens", "512").differencesFrom(manifest()));
  }

  @Test
  void aSettingAnEarlierVersionDidNotRecordIsNotCompared() {
    CheckpointManifest now = manifest("--truncate-dim", "64");
    Map<String, String> older = new LinkedHashMap<>(manifest().settings());
    older.remove("truncate-dim");
    CheckpointManifest made =
        new CheckpointManifest(now.input(), now.output(), now.task(), now.model(), older);
    assertEquals(List.of(), now.differencesFrom(made));
  }
}
