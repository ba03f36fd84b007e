package dev.modernbert.encoder.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;

/**
 * A weightless TorchScript module that {@link TorchScriptArchive} writes in memory, loaded on first
 * use. It holds no tensors, so one module serves every device and thread. A failed load is not
 * cached: every call reports it with its cause.
 */
final class ScriptModule {
  private final String className;
  private final String source;
  private final String what;
  private volatile PtSymbolBlock module;

  ScriptModule(String className, String source, String what) {
    this.className = className;
    this.source = source;
    this.what = what;
  }

  /**
   * Runs {@code method} on {@code args}, which are closed afterwards.
   *
   * @return the method's tensor, owned by {@code owner}'s manager
   */
  NDArray run(String method, NDArray owner, IValue... args) {
    try (IValue out = IValueUtils.runMethod(module(), method, args)) {
      return out.toTensor((PtNDManager) owner.getManager());
    } finally {
      for (IValue a : args) {
        a.close();
      }
    }
  }

  static IValue arg(NDArray a) {
    return IValue.from((PtNDArray) a);
  }

  static IValue arg(long v) {
    return IValue.from(v);
  }

  private PtSymbolBlock module() {
    PtSymbolBlock m = module;
    if (m == null) {
      synchronized (this) {
        if (module == null) {
          module = TorchScriptArchive.load(className, source, what);
        }
        m = module;
      }
    }
    return m;
  }
}
