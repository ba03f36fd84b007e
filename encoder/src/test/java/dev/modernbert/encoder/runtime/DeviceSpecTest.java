package dev.modernbert.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.runtime.DeviceSpec.Placement;
import org.junit.jupiter.api.Test;

/**
 * What auto and cuda mean, for the CLI (the machine) and Spark (a scheduled task), in one place.
 */
class DeviceSpecTest {
  private static final DeviceSpec AUTO = DeviceSpec.parse("auto");
  private static final DeviceSpec CUDA = DeviceSpec.parse("cuda");

  @Test
  void autoOnTheMachineIsGpuZeroWhenCudaIsUsable() {
    assertEquals(DeviceSpec.cuda(0), AUTO.resolve(Placement.MACHINE, () -> true));
    assertEquals(DeviceSpec.CPU, AUTO.resolve(Placement.MACHINE, () -> false));
  }

  @Test
  void autoInATaskIsTheTasksGpuElseTheCpuWithoutAskingCuda() {
    assertEquals(
        DeviceSpec.cuda(3),
        AUTO.resolve(
            Placement.task(3),
            () -> {
              throw new AssertionError("not asked");
            }));
    assertEquals(DeviceSpec.CPU, AUTO.resolve(Placement.task(-1), () -> true));
  }

  @Test
  void bareCudaIsTheTasksGpuOrGpuZeroAndFailsInATaskWithoutOne() {
    assertEquals(DeviceSpec.cuda(2), CUDA.resolve(Placement.task(2), () -> false));
    assertEquals(DeviceSpec.cuda(0), CUDA.resolve(Placement.MACHINE, () -> false));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> CUDA.resolve(Placement.task(-1), () -> true));
    assertTrue(e.getMessage().contains("spark.task.resource.gpu.amount"), e.getMessage());
  }

  @Test
  void cpuAndAnOrdinalAreThemselvesEverywhere() {
    DeviceSpec five = DeviceSpec.parse("cuda:5");
    assertEquals(five, five.resolve(Placement.task(1), () -> false));
    assertEquals(DeviceSpec.CPU, DeviceSpec.CPU.resolve(Placement.task(1), () -> true));
    assertEquals("cuda:5", five.toString());
  }

  @Test
  void theTypedValuesTravelToTheExecutors() throws Exception {
    for (Object value : new Object[] {AUTO, DeviceSpec.cuda(1), DtypeSpec.BFLOAT16}) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
        out.writeObject(value);
      }
      try (java.io.ObjectInputStream in =
          new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
        assertEquals(value, in.readObject());
      }
    }
  }

  @Test
  void dtypesParseOnceAndBecomeAPrecisionPerDevice() {
    assertEquals(DtypeSpec.BFLOAT16, DtypeSpec.parse(" BFloat16 "));
    assertEquals(Precision.FLOAT16, DtypeSpec.AUTO.on(true));
    assertEquals(Precision.FLOAT32, DtypeSpec.AUTO.on(false));
    assertEquals(DtypeSpec.FLOAT16, DtypeSpec.of(Precision.FLOAT16));
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> DtypeSpec.parse("int8"));
    assertTrue(bad.getMessage().contains("auto, float32, float16, bfloat16"), bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DtypeSpec.BFLOAT16.on(true));
  }
}
