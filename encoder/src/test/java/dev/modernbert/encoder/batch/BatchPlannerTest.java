package dev.modernbert.encoder.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

  @Test
  void everyRowOnceLongestFirstUnderTheBudgetAndCap() {
    Random random = new Random(7);
    int[] lengths = random.ints(500, 2, 900).toArray();
    List<int[]> plan = new BatchPlanner(4096, 32).plan(lengths);
    boolean[] seen = new boolean[lengths.length];
    int previousLongest = Integer.MAX_VALUE;
    for (int[] batch : plan) {
      int longest = Arrays.stream(batch).map(i -> lengths[i]).max().getAsInt();
      assertTrue(batch.length <= 32, "row cap");
      assertTrue((long) batch.length * longest <= 4096, "padded size within budget");
      assertEquals(lengths[batch[0]], longest, "batch starts with its longest");
      assertTrue(longest <= previousLongest, "batches come longest first");
      previousLongest = longest;
      for (int i : batch) {
        assertTrue(!seen[i], "row " + i + " planned twice");
        seen[i] = true;
      }
    }
    for (boolean s : seen) {
      assertTrue(s, "every row planned");
    }
  }

  @Test
  void equalLengthsKeepInputOrder() {
    List<int[]> plan = new BatchPlanner(100, 10).plan(new int[] {5, 9, 5, 9, 5});
    assertArrayEquals(new int[] {1, 3, 0, 2, 4}, plan.get(0));
  }

  @Test
  void aRowLongerThanTheBudgetRunsAlone() {
    List<int[]> plan = new BatchPlanner(100, 10).plan(new int[] {10, 300, 10});
    assertArrayEquals(new int[] {1}, plan.get(0));
    assertArrayEquals(new int[] {0, 2}, plan.get(1));
  }

  @Test
  void fixedRowsIsInputOrder() {
    List<int[]> plan = BatchPlanner.fixedRows(5, 2);
    assertEquals(3, plan.size());
    assertArrayEquals(new int[] {4}, plan.get(2));
  }

  @Test
  void nonPositiveSettingsAreRefused() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new BatchPlanner(0, 1))
            .getMessage()
            .contains("batchTokens"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> new BatchPlanner(1, 0))
            .getMessage()
            .contains("maxBatchRows"));
  }

  @Test
  void layoutGathersAreInverse() {
    BatchLayout layout = BatchLayout.packed(new int[] {3, 1, 2});
    assertEquals(6, layout.rows());
    assertEquals(3, layout.width());
    assertArrayEquals(new long[] {0, 1, 2, 3, 3, 3, 4, 5, 4}, layout.slotToRow());
    assertArrayEquals(new long[] {0, 1, 2, 3, 6, 7}, layout.rowToSlot());
    BatchLayout padded = BatchLayout.padded(new int[] {3, 1, 2});
    assertEquals(9, padded.rows());
    assertTrue(padded.rowsAreSlots());
  }

  @Test
  void onAGpuOnlyTheCpuDefaultsBecomeTheGpuDefaults() {
    assertEquals(
        new BatchPlanner(
            BatchPlanner.DEFAULT_GPU_BATCH_TOKENS, BatchPlanner.DEFAULT_GPU_MAX_BATCH_ROWS),
        BatchPlanner.defaults().forDevice(true));
    assertEquals(BatchPlanner.defaults(), BatchPlanner.defaults().forDevice(false));
    assertEquals(
        new BatchPlanner(8192, BatchPlanner.DEFAULT_GPU_MAX_BATCH_ROWS),
        new BatchPlanner(8192, BatchPlanner.DEFAULT_MAX_BATCH_ROWS).forDevice(true));
    assertEquals(new BatchPlanner(8192, 64), new BatchPlanner(8192, 64).forDevice(true));
  }
}
