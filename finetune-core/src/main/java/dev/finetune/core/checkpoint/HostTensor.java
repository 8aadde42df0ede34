package dev.finetune.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * A float32 tensor in Java memory: what checkpoints are read into and written from, before it
 * becomes (or after it was) an {@link NDArray} on a device.
 *
 * <pre>{@code
 * HostTensor t = new HostTensor(new long[] {2, 3}, new float[6]);
 * NDArray a = t.toNDArray(manager);
 * }</pre>
 */
public final class HostTensor {

  private final long[] shape;
  private final float[] data;

  /**
   * Wraps values (not copied: the caller hands them over).
   *
   * @param shape the shape, row-major
   * @param data the values; their count must equal the shape's product
   */
  public HostTensor(long[] shape, float[] data) {
    this.shape = Objects.requireNonNull(shape, "shape").clone();
    this.data = Objects.requireNonNull(data, "data");
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values, got " + data.length);
    }
  }

  /**
   * Copies an array of any float type to the host as float32.
   *
   * @param array the array
   * @return its values
   */
  public static HostTensor of(NDArray array) {
    NDArray f = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
    HostTensor t = new HostTensor(array.getShape().getShape(), f.toFloatArray());
    if (f != array) {
      f.close();
    }
    return t;
  }

  /**
   * The shape.
   *
   * @return a copy of the dimensions
   */
  public long[] shape() {
    return shape.clone();
  }

  /**
   * The values, row-major; the array itself (do not modify it).
   *
   * @return the values
   */
  public float[] data() {
    return data;
  }

  /**
   * Tells whether the shape equals the given dimensions.
   *
   * @param dims the expected dimensions
   * @return true when equal
   */
  public boolean hasShape(long... dims) {
    return Arrays.equals(shape, dims);
  }

  /**
   * Creates an array with these values on the manager's device.
   *
   * @param manager the owner of the new array
   * @return the array
   */
  public NDArray toNDArray(NDManager manager) {
    return manager.create(data, new Shape(shape));
  }

  /**
   * Transposes a matrix ({@code [in, out]} to {@code [out, in]}).
   *
   * @return the transposed copy
   */
  public HostTensor transpose2d() {
    if (shape.length != 2) {
      throw new IllegalArgumentException("not a matrix: " + Arrays.toString(shape));
    }
    int rows = (int) shape[0];
    int cols = (int) shape[1];
    float[] out = new float[data.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[c * rows + r] = data[r * cols + c];
      }
    }
    return new HostTensor(new long[] {cols, rows}, out);
  }

  /**
   * Compares shapes and values bit for bit (NaN payloads included).
   *
   * @param other another tensor
   * @return true when identical
   */
  public boolean bitEquals(HostTensor other) {
    if (!Arrays.equals(shape, other.shape) || data.length != other.data.length) {
      return false;
    }
    for (int i = 0; i < data.length; i++) {
      if (Float.floatToRawIntBits(data[i]) != Float.floatToRawIntBits(other.data[i])) {
        return false;
      }
    }
    return true;
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "HostTensor" + Arrays.toString(shape);
  }
}
