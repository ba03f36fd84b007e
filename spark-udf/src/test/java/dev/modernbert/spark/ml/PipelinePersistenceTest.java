package dev.modernbert.spark.ml;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.spark.testing.SparkTesting.frame;
import static dev.modernbert.spark.testing.SparkTesting.texts;
import static dev.modernbert.spark.testing.SparkTesting.toFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelinePersistenceTest {
  @Test
  void savedPipelineReloadsAndGivesIdenticalOutputs(@TempDir Path tmp) throws Exception {
    Dataset<Row> df = frame(texts(60, 20, 31), 2);
    SQLTransformer before =
        new SQLTransformer().setStatement("SELECT id, lower(text) AS body FROM __THIS__");
    ModernBertEmbedder embed =
        new ModernBertEmbedder()
            .setModelPath("demo")
            .setInputCol("body")
            .setOutputCol("features")
            .setPooling("mean")
            .setNormalize(true)
            .setOutputType("vector")
            .setSortWindowRows(16);
    KMeans kmeans = new KMeans().setK(3).setSeed(42L).setMaxIter(5).setFeaturesCol("features");
    PipelineModel model =
        new Pipeline().setStages(new PipelineStage[] {before, embed, kmeans}).fit(df);

    String path = tmp.resolve("pipeline").toString();
    model.write().overwrite().save(path);
    PipelineModel reloaded = PipelineModel.load(path);

    ModernBertEmbedder stage = assertInstanceOf(ModernBertEmbedder.class, reloaded.stages()[1]);
    assertEquals(embed.uid(), stage.uid());
    assertEquals("body", stage.getInputCol());
    assertEquals("features", stage.getOutputCol());
    assertEquals("mean", stage.getPooling());
    assertEquals(true, stage.getNormalize());
    assertEquals(16, stage.getSortWindowRows());

    List<Row> a = model.transform(df).orderBy("id").collectAsList();
    List<Row> b = reloaded.transform(df).orderBy("id").collectAsList();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).getLong(0), b.get(i).getLong(0));
      assertClose(
          toFloats(a.get(i).getAs("features")),
          toFloats(b.get(i).getAs("features")),
          1e-5, // concurrent tasks may share batches differently: batch-independent within 1e-5
          "row " + i);
      assertEquals(a.get(i).<Integer>getAs("prediction"), b.get(i).<Integer>getAs("prediction"));
    }

    // the stage alone round-trips too
    String stagePath = tmp.resolve("stage").toString();
    embed.save(stagePath);
    ModernBertEmbedder alone = ModernBertEmbedder.load(stagePath);
    assertEquals(embed.extractParamMap().toString(), alone.extractParamMap().toString());
  }
}
