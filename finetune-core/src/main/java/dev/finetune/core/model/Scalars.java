package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Scalar operands that are safe under autograd.
 *
 * <p>DJL's {@code NDArray} operations that take a Java {@code Number} ({@code x.mul(0.5)},
 * {@code x.pow(3)}, ...) wrap the number in a temporary tensor that aliases a Java direct buffer
 * and close it as soon as the operation returns. When autograd saved that operand for the
 * backward pass (multiplication, division and power do), backward later reads memory the garbage
 * collector may already have freed: gradients turn wrong or NaN, depending on GC timing. Wherever
 * a tensor may require gradients, use a scalar from here instead: it belongs to the operand's
 * manager (the batch's), so it lives until the batch is closed, after backward.
 *
 * <pre>{@code
 * NDArray scaled = q.mul(Scalars.like(q, 1 / Math.sqrt(headSize)));
 * }</pre>
 */
public final class Scalars {

  private Scalars() {}

  /**
   * A 0-dimensional tensor of {@code x}'s data type on {@code x}'s device, owned by {@code x}'s
   * manager.
   *
   * @param x the tensor the scalar will be combined with
   * @param value the value
   * @return the scalar
   */
  public static NDArray like(NDArray x, double value) {
    NDArray scalar =
        x.getDataType() == DataType.FLOAT32
            ? x.getManager().create((float) value) // one native call on the hot path
            : x.getManager().create(value).toType(x.getDataType(), false);
    return scalar.toDevice(x.getDevice(), false);
  }
}
