package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.finetune.core.checkpoint.CheckpointException;
import java.util.Locale;

/**
 * The feed-forward activation ({@code hidden_act} in {@code config.json}).
 *
 * <pre>{@code
 * HiddenActivation.fromHf("gelu").apply(x);   // exact erf GELU
 * }</pre>
 */
public enum HiddenActivation {
  /** Exact GELU, x·Φ(x) with the error function ({@code gelu}, {@code gelu_python}). */
  GELU("gelu"),
  /** Tanh approximation of GELU ({@code gelu_new}, {@code gelu_pytorch_tanh}). */
  GELU_NEW("gelu_new"),
  /** max(0, x). */
  RELU("relu");

  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private final String hfName;

  HiddenActivation(String hfName) {
    this.hfName = hfName;
  }

  /**
   * The name written to {@code config.json}.
   *
   * @return e.g. {@code gelu}
   */
  public String hfName() {
    return hfName;
  }

  /**
   * Applies the activation (a fused kernel where the engine has one).
   *
   * @param x the input
   * @return a new array
   */
  public NDArray apply(NDArray x) {
    return switch (this) {
      case GELU -> Activation.gelu(x);
      case RELU -> Activation.relu(x);
      case GELU_NEW -> {
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); in-place only where autograd allows
        // (scalar operands from Scalars: autograd saves them for backward)
        NDArray cube = x.mul(x).mul(x);
        NDArray tanh =
            cube.mul(Scalars.like(x, 0.044715)).add(x).mul(Scalars.like(x, SQRT_2_OVER_PI)).tanh();
        yield x.mul(tanh.add(Scalars.like(x, 1))).mul(Scalars.like(x, 0.5));
      }
    };
  }

  /**
   * The oneDNN post-op of {@code mkldnn::_linear_pointwise} that computes this activation
   * ({@link CpuKernels}).
   *
   * @return {attr, algorithm}: exact GELU is {@code gelu}/{@code none}, the tanh GELU
   *     {@code gelu}/{@code tanh}
   */
  String[] oneDnnPostOp() {
    return switch (this) {
      case GELU -> new String[] {"gelu", "none"};
      case GELU_NEW -> new String[] {"gelu", "tanh"};
      case RELU -> new String[] {"relu", ""};
    };
  }

  /**
   * Parses a Hugging Face {@code hidden_act}.
   *
   * @param name the value from {@code config.json}
   * @return the activation
   * @throws CheckpointException for an unsupported activation
   */
  public static HiddenActivation fromHf(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "gelu", "gelu_python" -> GELU;
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_NEW;
      case "relu" -> RELU;
      default ->
          throw new CheckpointException(
              "config.json: hidden_act \"" + name + "\" is not supported; use gelu, gelu_new or relu");
    };
  }
}
