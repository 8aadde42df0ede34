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
 * Adam's and AdamW's whole update of one float32 CPU parameter in a single pass over memory,
 * computed in Java on every core straight in the tensors' memory.
 *
 * <p>Why: as a chain of eager ops the update reads and writes parameter-sized arrays ≈ 33 times
 * (DJL has no {@code lerp_}, {@code addcmul_} or {@code addcdiv_}) and allocates four temporaries;
 * here each element of the weight, gradient and both moments is read once and the weight and
 * moments written once: 7 passes. The arithmetic is torch's ({@code _single_tensor_adam}), in
 * float32 as torch's CPU kernels compute it:
 *
 * <pre>{@code
 * g = grad (+ weightDecay * w for Adam)
 * w = w * (1 - lr * weightDecay)                      // AdamW
 * m = m + (1 - beta1) * (g - m)                       // lerp
 * v = beta2 * v + (1 - beta2) * g * g
 * w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * }</pre>
 *
 * <p>It applies only when all four arrays are contiguous float32 PyTorch CPU tensors (checked by
 * {@link #supports}); otherwise the caller uses eager ops. Work is split into fixed tasks of
 * {@link #TASK} elements, so the result does not depend on the number of cores.
 */
final class FusedAdamCpu {

  /** Elements per parallel task; smaller parameters run on the calling thread. */
  static final int TASK = 1 << 16;

  /** Elements per tile copied into heap arrays, where the JIT vectorises the arithmetic. */
  private static final int TILE = 2048;

  private static final Logger LOG = LoggerFactory.getLogger(FusedAdamCpu.class);
  private static final ContiguityCheck CONTIGUOUS = ContiguityCheck.find();
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[4][TILE]);

  private FusedAdamCpu() {}

  /**
   * The step's scalars, computed by the caller in double as torch does and rounded once.
   *
   * @param l2 Adam's weight decay added to the gradient (0 for AdamW)
   * @param decay AdamW's {@code 1 - lr * weightDecay} (1 for Adam)
   * @param oneMinusBeta1 {@code 1 - beta1}
   * @param beta2 {@code beta2}
   * @param oneMinusBeta2 {@code 1 - beta2}
   * @param biasCorrection2Sqrt {@code sqrt(1 - beta2^t)}
   * @param eps {@code eps}
   * @param stepSize {@code lr / (1 - beta1^t)}; with {@code moveWeight} false only the moments move
   * @param moveWeight false when the learning rate is 0
   */
  record Step(
      float l2,
      float decay,
      float oneMinusBeta1,
      float beta2,
      float oneMinusBeta2,
      float biasCorrection2Sqrt,
      float eps,
      float stepSize,
      boolean moveWeight) {}

  /**
   * Tells whether {@link #update} can run on these arrays: contiguous float32 PyTorch CPU tensors
   * of the same size, at most {@code Integer.MAX_VALUE} elements.
   *
   * @param arrays weight, gradient, first and second moment
   * @return true when the fused update applies
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
   * Updates weight and moments in place.
   *
   * @param weight the parameter
   * @param gradient its gradient (read only)
   * @param mean the first moment
   * @param variance the second moment
   * @param step the step's scalars
   */
  static void update(NDArray weight, NDArray gradient, NDArray mean, NDArray variance, Step step) {
    FloatBuffer w = memory(weight);
    FloatBuffer g = memory(gradient);
    FloatBuffer m = memory(mean);
    FloatBuffer v = memory(variance);
    int n = Math.toIntExact(weight.size());
    int tasks = (n + TASK - 1) / TASK;
    if (tasks <= 1) {
      range(w, g, m, v, 0, n, step);
    } else {
      IntStream.range(0, tasks)
          .parallel()
          .forEach(t -> range(w, g, m, v, t * TASK, Math.min(n, (t + 1) * TASK), step));
    }
  }

  private static FloatBuffer memory(NDArray array) {
    ByteBuffer bytes = array.toByteBuffer(true);
    if (!bytes.isDirect()) {
      throw new IllegalStateException("the engine did not expose the memory of " + array
          + "; FusedAdamCpu.supports must be checked first");
    }
    return bytes.order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private static void range(
      FloatBuffer w, FloatBuffer g, FloatBuffer m, FloatBuffer v, int from, int to, Step s) {
    float[][] scratch = SCRATCH.get();
    float[] ws = scratch[0];
    float[] gs = scratch[1];
    float[] ms = scratch[2];
    float[] vs = scratch[3];
    for (int start = from; start < to; start += TILE) {
      int len = Math.min(TILE, to - start);
      w.get(start, ws, 0, len);
      g.get(start, gs, 0, len);
      m.get(start, ms, 0, len);
      v.get(start, vs, 0, len);
      tile(ws, gs, ms, vs, len, s);
      w.put(start, ws, 0, len);
      m.put(start, ms, 0, len);
      v.put(start, vs, 0, len);
    }
  }

  private static void tile(float[] w, float[] g, float[] m, float[] v, int len, Step s) {
    float l2 = s.l2();
    float decay = s.decay();
    float a1 = s.oneMinusBeta1();
    float b2 = s.beta2();
    float a2 = s.oneMinusBeta2();
    if (l2 != 0f) {
      for (int i = 0; i < len; i++) {
        g[i] = g[i] + l2 * w[i];
      }
    }
    for (int i = 0; i < len; i++) {
      float grad = g[i];
      m[i] = m[i] + a1 * (grad - m[i]);
      v[i] = v[i] * b2 + a2 * grad * grad;
    }
    if (!s.moveWeight()) {
      return;
    }
    float bc2 = s.biasCorrection2Sqrt();
    float eps = s.eps();
    float stepSize = s.stepSize();
    for (int i = 0; i < len; i++) {
      float denominator = (float) Math.sqrt(v[i]) / bc2 + eps;
      w[i] = w[i] * decay - stepSize * (m[i] / denominator);
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
        LOG.debug("libtorch's contiguity flag is not reachable ({}); Adam runs as eager ops",
            e.toString());
        return array -> false;
      }
    }
  }
}
