package dev.finetune.core.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One element-wise pass, computed in Java on every core, over up to four float32 CPU tensors of
 * the same size, straight in their memory: the machinery of the one-pass optimizer updates
 * ({@link FusedAdamCpu}, {@link FusedSgdCpu}).
 *
 * <p>The elements are split into fixed tasks of {@link #TASK} (so a result never depends on the
 * number of cores) and each task into tiles of {@link #TILE}, copied into heap arrays where the JIT
 * vectorises the kernel's loops, and the tiles of the arrays marked as written are copied back.
 * Each element is read once per array and written once per written array.
 *
 * <pre>{@code
 * if (CpuFloatPass.supports(weight, gradient)) {
 *   CpuFloatPass.run(new NDArray[] {weight, gradient}, new boolean[] {true, false},
 *       (tiles, len) -> { for (int i = 0; i < len; i++) tiles[0][i] -= 0.1f * tiles[1][i]; });
 * }
 * }</pre>
 */
final class CpuFloatPass {

  /** Elements per parallel task; smaller arrays run on the calling thread. */
  static final int TASK = 1 << 16;

  /** Elements per tile copied into heap arrays. */
  static final int TILE = 2048;

  /** The most arrays one pass reads. */
  static final int MAX_ARRAYS = 4;

  private static final Logger LOG = LoggerFactory.getLogger(CpuFloatPass.class);
  private static final ContiguityCheck CONTIGUOUS = ContiguityCheck.find();
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[MAX_ARRAYS][TILE]);

  private CpuFloatPass() {}

  /** The arithmetic of one tile: {@code tiles[k][0..len)} holds array k's elements. */
  @FunctionalInterface
  interface Kernel {
    void tile(float[][] tiles, int len);
  }

  /**
   * Tells whether {@link #run} can work on these arrays: contiguous float32 PyTorch CPU tensors
   * of the same size, at most {@code Integer.MAX_VALUE} elements (a view that is not contiguous
   * must be updated through eager ops, never through a copy).
   *
   * @param arrays the arrays
   * @return true when a pass applies
   */
  static boolean supports(NDArray... arrays) {
    long size = arrays[0].size();
    for (NDArray array : arrays) {
      if (!(array instanceof PtNDArray pt)
          || array.getDataType() != DataType.FLOAT32
          || !Device.Type.CPU.equals(array.getDevice().getDeviceType())
          || array.size() != size
          || size > Integer.MAX_VALUE
          || !CONTIGUOUS.test(pt)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs the kernel over every element.
   *
   * @param arrays the arrays, {@link #supports} checked
   * @param written which arrays the kernel changes (copied back after each tile)
   * @param kernel the arithmetic
   */
  static void run(NDArray[] arrays, boolean[] written, Kernel kernel) {
    if (arrays.length > MAX_ARRAYS || written.length != arrays.length) {
      throw new IllegalArgumentException("a pass takes 1-" + MAX_ARRAYS
          + " arrays with one written flag each, got " + arrays.length + " and " + written.length);
    }
    FloatBuffer[] memory = new FloatBuffer[arrays.length];
    for (int k = 0; k < arrays.length; k++) {
      memory[k] = memory(arrays[k]);
    }
    int n = Math.toIntExact(arrays[0].size());
    int tasks = (n + TASK - 1) / TASK;
    if (tasks <= 1) {
      range(memory, written, kernel, 0, n);
    } else {
      IntStream.range(0, tasks)
          .parallel()
          .forEach(t -> range(memory, written, kernel, t * TASK, Math.min(n, (t + 1) * TASK)));
    }
  }

  private static FloatBuffer memory(NDArray array) {
    ByteBuffer bytes = array.toByteBuffer(true);
    if (!bytes.isDirect()) {
      throw new IllegalStateException("the engine did not expose the memory of " + array
          + "; CpuFloatPass.supports must be checked first");
    }
    return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private static void range(
      FloatBuffer[] memory, boolean[] written, Kernel kernel, int from, int to) {
    float[][] tiles = SCRATCH.get();
    for (int start = from; start < to; start += TILE) {
      int len = Math.min(TILE, to - start);
      for (int k = 0; k < memory.length; k++) {
        memory[k].get(start, tiles[k], 0, len);
      }
      kernel.tile(tiles, len);
      for (int k = 0; k < memory.length; k++) {
        if (written[k]) {
          memory[k].put(start, tiles[k], 0, len);
        }
      }
    }
  }

  /** Reads libtorch's own contiguity flag, which DJL does not expose publicly. */
  private interface ContiguityCheck {
    boolean test(PtNDArray array);

    static ContiguityCheck find() {
      try {
        Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
        Field instance = library.getDeclaredField("LIB");
        instance.setAccessible(true);
        Object lib = instance.get(null);
        Method isContiguous = library.getDeclaredMethod("torchIsContiguous", long.class);
        isContiguous.setAccessible(true);
        return array -> {
          try {
            return (Boolean) isContiguous.invoke(lib, array.getHandle());
          } catch (ReflectiveOperationException e) {
            return false;
          }
        };
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.debug("libtorch's contiguity flag is not reachable ({}); updates run as eager ops",
            e.toString());
        return array -> false;
      }
    }
  }
}
