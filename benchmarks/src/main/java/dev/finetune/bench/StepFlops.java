package dev.finetune.bench;

/**
 * Floating-point operations of one training step, counted over matrix products only (a
 * multiply-add is 2 FLOP; element-wise ops, softmax, LayerNorm, embedding look-ups and the
 * optimizer are left out). With {@code T = B·s} positions through the encoder ({@code s} = text
 * length plus soft prompt tokens), {@code L} layers, hidden {@code h}, FFN {@code f}:
 *
 * <ul>
 *   <li>dense forward = {@code 2·T·L·(4h² + 2h·f)} (Q, K, V, attention output, FFN in and out);
 *   <li>attention forward = {@code L·4·B·s²·h} (QKᵀ and probabilities·V); prefix tuning's
 *       keys and values are {@code p} positions longer: {@code L·4·B·s·(s + p)·h};
 *   <li>PEFT forward: LoRA {@code L·targets·2·T·r·(h + h)}, Houlsby {@code L·adapters·4·T·h·m}
 *       (down and up, bottleneck {@code m = h/16}), else 0;
 *   <li>head forward = {@code 2·B·h·C};
 *   <li>backward: a product {@code Y = X·W} costs its forward again for {@code dX} and again for
 *       {@code dW}; {@code dW} only for trainable {@code W}. So backward = dense forward × (2 when
 *       the base trains, else 1) + 2 × attention + 2 × PEFT + 2 × head. Full fine-tuning: backward
 *       = 2 × forward, step = 3 × forward. Frozen-base methods count every layer's input
 *       gradients, which overstates them by at most one layer's dense input gradients (autograd
 *       skips those below the lowest trainable tensor; prompt tuning needs them all).
 * </ul>
 *
 * <p>MiniLM at 32 × 128, full fine-tuning: forward 91.8 GFLOP, step 275.4 GFLOP.
 *
 * <pre>{@code
 * double gflop = StepFlops.perStep(ModelShape.MINILM, BenchMethod.LORA, 32, 128) / 1e9;
 * }</pre>
 */
public final class StepFlops {

  private StepFlops() {}

  /**
   * The forward FLOPs of one batch.
   *
   * @param shape the model shape
   * @param method the method (adds PEFT products and prompt positions)
   * @param batch rows
   * @param length text tokens per row
   * @return FLOPs
   */
  public static double forward(ModelShape shape, BenchMethod method, int batch, int length) {
    Parts p = parts(shape, method, batch, length);
    return p.dense + p.attention + p.peft + p.head;
  }

  /**
   * The FLOPs of one training step (forward + backward).
   *
   * @param shape the model shape
   * @param method the method
   * @param batch rows
   * @param length text tokens per row
   * @return FLOPs
   */
  public static double perStep(ModelShape shape, BenchMethod method, int batch, int length) {
    Parts p = parts(shape, method, batch, length);
    double forward = p.dense + p.attention + p.peft + p.head;
    double backward =
        p.dense * (method == BenchMethod.FULL ? 2 : 1) + 2 * p.attention + 2 * p.peft + 2 * p.head;
    return forward + backward;
  }

  private record Parts(double dense, double attention, double peft, double head) {}

  private static Parts parts(ModelShape shape, BenchMethod method, int batch, int length) {
    if (batch < 1 || length < 1) {
      throw new IllegalArgumentException(
          "batch and length must be >= 1, got batch " + batch + ", length " + length);
    }
    double h = shape.hidden();
    double f = shape.ffn();
    double layers = shape.layers();
    double s = length + (method == BenchMethod.PROMPT ? BenchMethod.PROMPT_TOKENS : 0);
    double t = batch * s;
    double dense = 2 * t * layers * (4 * h * h + 2 * h * f);
    // prefix tuning: queries see `length` positions, keys and values `length + prefix`
    double keys = s + (method == BenchMethod.PREFIX ? BenchMethod.PROMPT_TOKENS : 0);
    double attention = layers * 4 * batch * s * keys * h;
    double peft = switch (method) {
      case LORA -> layers * BenchMethod.LORA_TARGETS * 2 * t * BenchMethod.LORA_RANK * (h + h);
      case HOULSBY -> layers * BenchMethod.ADAPTERS_PER_LAYER * 4 * t * h
          * Math.max(1, Math.floor(h / BenchMethod.ADAPTER_REDUCTION));
      default -> 0;
    };
    double head = 2 * batch * h * 2;
    return new Parts(dense, attention, peft, head);
  }
}
