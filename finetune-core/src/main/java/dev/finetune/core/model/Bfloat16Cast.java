package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;

/**
 * The one way to make a bfloat16 tensor through DJL 0.35.1's PyTorch engine: its native layer
 * has no bfloat16 data type (naming one in {@code toType}, {@code zeros} or {@code cumProd} ends
 * the JVM), but it runs TorchScript, and tensors it gets back keep their type (DJL reports it as
 * {@code UNKNOWN}; libtorch's ops work on it). So the cast is a tiny scripted module,
 * {@code x.to(torch.bfloat16)} ({@code ToBfloat16.torchscript}, compiled by
 * {@link TorchScriptModules}), loaded once per JVM; autograd records it, so
 * the gradient returns in the source's type. The way back is any cast DJL can name (float32).
 *
 * <pre>{@code
 * NDArray half = Bfloat16Cast.apply(x);   // same device and shape, bfloat16, owned by x's manager
 * }</pre>
 */
final class Bfloat16Cast {

  private static final String RESOURCE = "ToBfloat16.torchscript";

  private Bfloat16Cast() {}

  /** Loads the module on first use; a failure is kept and reported at every use. */
  private static final class Holder {
    static final PtSymbolBlock MODULE;
    static final RuntimeException FAILURE;

    static {
      PtSymbolBlock module = null;
      RuntimeException failure = null;
      try {
        module = TorchScriptModules.load(RESOURCE);
        JniUtils.enableTrainingMode(module);
      } catch (IOException | RuntimeException e) {
        failure = new IllegalStateException("precision bf16 needs the TorchScript cast "
            + RESOURCE + ", which the engine could not load (" + e.getMessage() + "); use"
            + " precision fp16 or fp32", e);
      }
      MODULE = module;
      FAILURE = failure;
    }
  }

  /**
   * Casts to bfloat16 on the array's device.
   *
   * @param x a floating-point array without a name (DJL hands named arrays to TorchScript as a
   *     dictionary): a view made for the cast, not a parameter's own array
   * @return a new bfloat16 array, attached to {@code x}'s manager
   * @throws IllegalStateException when the scripted cast cannot be loaded
   */
  static NDArray apply(NDArray x) {
    if (Holder.FAILURE != null) {
      throw Holder.FAILURE;
    }
    if (x.getName() != null) {
      throw new IllegalArgumentException("Bfloat16Cast.apply needs an unnamed array (a view such as"
          + " x.expandDims(-1)); '" + x.getName() + "' would reach TorchScript as a dictionary");
    }
    return IValueUtils.forward(Holder.MODULE, new NDList(x), true).singletonOrThrow();
  }
}
