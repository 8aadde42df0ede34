package dev.finetune.core.model;

import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * The compute precision of a forward and backward pass, as {@code torch.autocast} sets it: with
 * {@link #FP16} the matrix products (every {@link Projection}, and attention's two products) run in
 * half precision while the parameters (master weights), the optimizer state, the gradients the
 * optimizer sees and everything between the products (embeddings, LayerNorm, softmax, the loss)
 * stay float32. Each product casts its operands down and its result back up with casts that
 * autograd records ({@link ForwardContext#linear}, {@link ForwardContext#matMul}), so backward
 * returns float32 gradients to the float32 weights.
 *
 * <p>{@link #BF16} needs no loss scaling (float32's exponent range); {@link #FP16} is trained with
 * dynamic loss scaling. DJL 0.35.1's PyTorch engine has no bfloat16 data type in its native
 * layer (naming one ends the JVM), so bfloat16 casts run a tiny TorchScript module
 * ({@code Bfloat16Cast}); float16 casts are DJL's own.
 *
 * <pre>{@code
 * FineTune.of(model, tokenizer).precision(Precision.BF16).fit(split); // or set("precision", "bf16")
 * NDArray logits = model.forward(store, inputs, false, Precision.FP16).singletonOrThrow();
 * }</pre>
 */
public enum Precision {
  /** Float32 everywhere (the default). */
  FP32(DataType.FLOAT32),
  /** Bfloat16 matrix products with float32 master weights (the usual choice on recent GPUs). */
  BF16(DataType.BFLOAT16),
  /** Float16 matrix products with float32 master weights; train it with dynamic loss scaling. */
  FP16(DataType.FLOAT16);

  /** The accepted names, for messages and help. */
  public static final String NAMES = "fp32, bf16 or fp16";

  private final DataType computeType;

  Precision(DataType computeType) {
    this.computeType = computeType;
  }

  /**
   * The data type of the matrix products.
   *
   * @return FLOAT32, BFLOAT16 or FLOAT16 (a bfloat16 array itself reports {@code UNKNOWN}: DJL
   *     0.35.1's PyTorch engine does not map the type back)
   */
  public DataType computeType() {
    return computeType;
  }

  /**
   * The safetensors type name of weights stored in this precision.
   *
   * @return {@code F32}, {@code BF16} or {@code F16}
   */
  public String safetensorsType() {
    return switch (this) {
      case FP32 -> "F32";
      case BF16 -> "BF16";
      case FP16 -> "F16";
    };
  }

  /**
   * Whether the products run in a half-precision type.
   *
   * @return false for {@link #FP32}
   */
  public boolean isMixed() {
    return this != FP32;
  }

  /**
   * Whether a training run in this precision scales the loss dynamically (float16's narrow
   * exponent range makes small gradients underflow otherwise).
   *
   * @return true for {@link #FP16}
   */
  public boolean scalesLoss() {
    return this == FP16;
  }

  /**
   * Reads a precision name.
   *
   * @param name {@code fp32}, {@code bf16} or {@code fp16} (any case; {@code float32},
   *     {@code bfloat16} and {@code float16} too)
   * @return the precision
   * @throws IllegalArgumentException naming the accepted names
   */
  public static Precision parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "fp32", "float32" -> FP32;
      case "bf16", "bfloat16" -> BF16;
      case "fp16", "float16", "half" -> FP16;
      default -> throw new IllegalArgumentException(
          "precision '" + name + "' is unknown; use " + NAMES);
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
