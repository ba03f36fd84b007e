package dev.modernbert.spark.executor;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.spark.testing.SparkTesting.frame;
import static dev.modernbert.spark.testing.SparkTesting.texts;
import static dev.modernbert.spark.testing.SparkTesting.toFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.source.ModelSource;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import dev.modernbert.spark.testing.SparkTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteModelTest {
  @Test
  void fileUriIsCopiedOnceIntoTheCache(@TempDir Path tmp) throws Exception {
    Path source = SparkTesting.demoCopy(tmp); // a fresh folder: a fresh cache entry
    String uri = source.toUri().toString();
    assertTrue(uri.startsWith("file:/"), uri);
    assertTrue(ModelSource.parse(uri) instanceof ModelSource.HadoopUri, uri);
    long copies = ModelFiles.copies();

    ModernBertEmbedder e =
        new ModernBertEmbedder().setModelPath(uri).setPooling("cls").setSortWindowRows(8);
    List<Row> out = e.transform(frame(texts(40, 10, 51), 6)).orderBy("id").collectAsList();
    assertEquals(40, out.size());
    assertEquals(1L, ModelFiles.copies() - copies);
    e.transform(frame(texts(10, 10, 52), 3)).count();
    assertEquals(1L, ModelFiles.copies() - copies);

    // the cached folder is complete, and no partial copy is left behind
    Path cached = ModelFiles.localize(ModelSource.parse(uri), null);
    assertTrue(cached.startsWith(ModelFiles.cacheRoot()), cached.toString());
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : files.toList()) {
        Path c = cached.resolve(f.getFileName());
        assertTrue(Files.isRegularFile(c), c.toString());
        assertEquals(Files.size(f), Files.size(c), c.toString());
        assertEquals(-1L, Files.mismatch(f, c), c.toString());
      }
    }
    try (Stream<Path> entries = Files.list(ModelFiles.cacheRoot())) {
      assertTrue(
          entries.noneMatch(p -> p.getFileName().toString().startsWith(".partial-")),
          "no partial copies");
    }

    // and it gives the same vectors as the demo model in place
    List<Row> local =
        new ModernBertEmbedder()
            .setModelPath("demo")
            .setPooling("cls")
            .transform(frame(texts(40, 10, 51), 2))
            .orderBy("id")
            .collectAsList();
    for (int i = 0; i < out.size(); i++) {
      assertClose(
          toFloats(local.get(i).getAs("embedding")),
          toFloats(out.get(i).getAs("embedding")),
          1e-5,
          "row " + i);
    }
  }
}
