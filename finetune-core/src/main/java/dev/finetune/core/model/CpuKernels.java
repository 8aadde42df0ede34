package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CPU kernels that DJL does not expose, in one TorchScript module ({@code CpuKernels.torchscript}):
 * for prediction, libtorch's oneDNN linear layers with fused epilogues
 * ({@code mkldnn::_linear_pointwise}: bias + GELU, bias + residual) over weights packed once
 * ({@code mkldnn::_reorder_linear_weight}) and {@code scaled_dot_product_attention}, run as a
 * whole post-norm encoder layer in one call; for training, a differentiable oneDNN linear layer
 * ({@link #linear}). DJL's own matrix products go through MKL, which on AMD
 * processors takes its AVX2 path; oneDNN uses AVX-512 where the processor has it (≈ 2× the
 * GFLOP/s of the MKL path on the EPYC build machines, docs/PERFORMANCE.md).
 *
 * <p>Packed weights are used only by {@link InferenceWeights} (frozen predictors): copies for a
 * model that no longer changes. {@link #linear} serves every float32 linear layer on the CPU
 * ({@link ForwardContext#linear}) when {@link #linearLayers()} says so: differentiable, so
 * training runs on it too. When the engine cannot compile the kernels (a libtorch built without
 * oneDNN), {@link #available()} is false and everything runs on libtorch's default kernels.
 *
 * <pre>{@code
 * if (CpuKernels.available()) {
 *   NDArray packed = CpuKernels.pack(weight, manager);
 * }
 * }</pre>
 */
final class CpuKernels {

  private static final Logger LOG = LoggerFactory.getLogger(CpuKernels.class);
  private static final String RESOURCE = "CpuKernels.torchscript";

  private CpuKernels() {}

  /** Compiles the module on first use; a failure is logged once and turns the kernels off. */
  private static final class Holder {
    static final PtSymbolBlock MODULE;

    static {
      PtSymbolBlock module = null;
      try {
        module = TorchScriptModules.load(RESOURCE);
      } catch (IOException | RuntimeException e) {
        LOG.info("the oneDNN kernels are off on this engine ({}); linear layers run on"
            + " libtorch's default kernels and frozen predictors the eager evaluation forward",
            e.getMessage());
      }
      MODULE = module;
    }
  }

  /**
   * Tells whether the kernels compiled on this engine.
   *
   * @return true when {@link #pack} and {@link #postNormLayer} can run
   */
  static boolean available() {
    return Holder.MODULE != null;
  }

  /** Whether the processor is an x86 one with AVX-512 whose vendor is not Intel, read once. */
  private static final boolean AVX512_NOT_INTEL = avx512NotIntel();

  /**
   * Tells whether float32 linear layers on the CPU (training and evaluation passes) run through
   * oneDNN ({@link #linear}) rather than libtorch's default, MKL: system property
   * {@value Devices#CPU_MATMUL_PROPERTY} = {@code auto} (default: oneDNN on x86 processors with
   * AVX-512 that
   * are not Intel's, where MKL takes its AVX2 path; MKL elsewhere), {@code onednn} or
   * {@code mkl}; oneDNN only when the kernels compiled on this engine.
   *
   * @return true for oneDNN
   * @throws IllegalArgumentException when the property has another value
   */
  static boolean linearLayers() {
    String choice = System.getProperty(Devices.CPU_MATMUL_PROPERTY, "auto").trim()
        .toLowerCase(Locale.ROOT);
    return switch (choice) {
      case "auto" -> AVX512_NOT_INTEL && available();
      case "onednn" -> available();
      case "mkl" -> false;
      default -> throw new IllegalArgumentException("system property "
          + Devices.CPU_MATMUL_PROPERTY + "=" + System.getProperty(Devices.CPU_MATMUL_PROPERTY)
          + " is not one of auto, onednn, mkl");
    };
  }

  private static boolean avx512NotIntel() {
    String arch = System.getProperty("os.arch", "");
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return false;
    }
    try {
      String vendor = null;
      boolean avx512 = false;
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (vendor == null && line.startsWith("vendor_id")) {
          vendor = line.substring(line.indexOf(':') + 1).trim();
        } else if (line.startsWith("flags")) {
          avx512 = (" " + line.substring(line.indexOf(':') + 1) + " ").contains(" avx512f ");
          break;
        }
      }
      return avx512 && vendor != null && !vendor.equals("GenuineIntel");
    } catch (IOException | RuntimeException e) {
      return false; // not Linux, or unreadable: keep libtorch's default
    }
  }

  /**
   * Packs a linear layer's weight into oneDNN's blocked layout.
   *
   * @param weight (out, in), float32, on the CPU
   * @param owner the manager that owns the packed copy
   * @return an opaque oneDNN tensor: pass it only to {@link #postNormLayer}
   */
  static NDArray pack(NDArray weight, NDManager owner) {
    return call(owner, "pack", weight);
  }

  /** A BERT-shaped post-norm layer's weights, the linear ones packed; query/key/value fused. */
  record PackedLayer(
      NDArray qkvWeight, NDArray qkvBias, NDArray outWeight, NDArray outBias,
      NDArray norm1Weight, NDArray norm1Bias, NDArray inWeight, NDArray inBias,
      NDArray ffnWeight, NDArray ffnBias, NDArray norm2Weight, NDArray norm2Bias,
      int heads, double eps, String activation, String activationAlgorithm) {}

  /**
   * One post-norm encoder layer: fused query-key-value projection, scaled dot-product attention
   * (scale 1/√d), output projection + residual, LayerNorm, intermediate projection + activation,
   * output projection + residual, LayerNorm.
   *
   * @param x (B, T, H) hidden states
   * @param additiveMask (B, 1, 1, T), or an array with no elements when no row is padded
   * @param layer the packed weights
   * @param owner the manager of the result
   * @return (B, T, H)
   */
  static NDArray postNormLayer(NDArray x, NDArray additiveMask, PackedLayer layer,
      NDManager owner) {
    IValue[] in = new IValue[18];
    try {
      in[0] = IValue.from((PtNDArray) x);
      in[1] = IValue.from((PtNDArray) additiveMask);
      in[2] = IValue.from((long) layer.heads());
      in[3] = IValue.from(layer.eps());
      in[4] = IValue.from(layer.activation());
      in[5] = IValue.from(layer.activationAlgorithm());
      NDArray[] weights = {layer.qkvWeight(), layer.qkvBias(), layer.outWeight(),
          layer.outBias(), layer.norm1Weight(), layer.norm1Bias(), layer.inWeight(),
          layer.inBias(), layer.ffnWeight(), layer.ffnBias(), layer.norm2Weight(),
          layer.norm2Bias()};
      for (int i = 0; i < weights.length; i++) {
        in[6 + i] = IValue.from((PtNDArray) weights[i]);
      }
      return run(owner, "post_norm_layer", in);
    } finally {
      close(in);
    }
  }

  /**
   * {@code x Wᵀ + b} through oneDNN ({@code mkldnn_linear} between {@code to_mkldnn} and
   * {@code to_dense}, all differentiable). Autograd records it unless the thread is in a no-grad
   * scope, as for DJL's own operators (the module runs in the caller's grad mode, never in
   * libtorch's inference mode, whose tensors refuse the in-place updates of later ops).
   *
   * @param x (..., in) float32 on the CPU
   * @param weight (out, in)
   * @param bias (out), or null
   * @param scope the pass's manager, owner of the views made for the call
   * @return (..., out), owned by {@code x}'s manager
   */
  static NDArray linear(NDArray x, NDArray weight, NDArray bias, NDManager scope) {
    NDArray b = bias != null ? unnamed(bias, scope) : scope.create(new float[0]);
    return IValueUtils.forward(Holder.MODULE,
        new NDList(unnamed(x, scope), unnamed(weight, scope), b), true).singletonOrThrow();
  }

  /**
   * DJL hands a named array (a parameter's) to TorchScript inside a dictionary: pass a view
   * without a name, owned by the pass's scope rather than the parameter's manager.
   */
  private static NDArray unnamed(NDArray a, NDManager scope) {
    if (a.getName() == null) {
      return a;
    }
    NDArray view = a.reshape(a.getShape());
    view.attach(scope);
    return view;
  }

  private static NDArray call(NDManager owner, String method, NDArray x) {
    IValue[] in = {IValue.from((PtNDArray) x)};
    try {
      return run(owner, method, in);
    } finally {
      close(in);
    }
  }

  private static NDArray run(NDManager owner, String method, IValue[] in) {
    if (Holder.MODULE == null) {
      throw new IllegalStateException("the oneDNN prediction kernels are not available on this"
          + " engine; check CpuKernels.available() first");
    }
    try (IValue out = IValueUtils.runMethod(Holder.MODULE, method, in)) {
      return out.toTensor((PtNDManager) owner);
    }
  }

  private static void close(IValue[] values) {
    for (IValue v : values) {
      if (v != null) {
        v.close();
      }
    }
  }
}
