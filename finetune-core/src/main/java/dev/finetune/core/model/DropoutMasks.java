package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Inverted-dropout masks: for CPU float32 tensors drawn in Java on every core and written
 * straight into the tensor's memory ({@link #scaledKeep}); on other devices and types drawn by
 * libtorch on the tensor's own device ({@link #onDevice}). The system property
 * {@code finetune.dropout=device} sends CPU tensors to the device path too (tests and benchmarks
 * of the GPU path on a CPU machine); {@code java} or unset keeps the Java path on the CPU.
 *
 * <p>Why: libtorch's CPU {@code bernoulli_} (what {@code dropout} calls) draws one element at a
 * time from a single generator unless it runs on an Intel CPU with MKL, so on other CPUs the
 * attention-probability dropout alone (B × heads × T × T draws per layer) kept one core busy
 * while the other waited. Here the mask is split into fixed chunks of {@link #CHUNK} elements,
 * each with its own {@link SplittableRandom} split from the seed in order, so a seed gives the
 * same mask whatever the number of cores, and the chunks are filled in parallel.
 *
 * <p>A mask holds {@code 0} with probability {@code rate} and {@code 1 / (1 - rate)} otherwise,
 * as {@code torch.nn.functional.dropout} scales kept values; {@code x.mul(mask)} is the dropout,
 * and its gradient is the mask, as in PyTorch.
 *
 * <pre>{@code
 * NDArray mask = DropoutMasks.scaledKeep(manager, x.getShape(), 0.1f, seed);
 * NDArray dropped = x.mul(mask);
 * }</pre>
 */
final class DropoutMasks {

  /** Elements per independent random stream; fixed so that masks do not depend on core count. */
  static final int CHUNK = 1 << 16;

  /** The system property choosing the CPU path: {@code java} (default) or {@code device}. */
  static final String PATH_PROPERTY = "finetune.dropout";

  private static final double TWO_TO_32 = 4294967296.0;

  private DropoutMasks() {}

  /**
   * Tells whether a mask from here can drop {@code x}: a float32 CPU tensor of at most
   * {@code Integer.MAX_VALUE} elements and a rate in (0, 1).
   *
   * @param x the input
   * @param rate the drop probability
   * @return true when {@link #scaledKeep} applies
   */
  static boolean supports(NDArray x, float rate) {
    return !forcedToDevice() && rate > 0f && rate < 1f && Device.Type.CPU.equals(x.getDevice().getDeviceType()) && x.getDataType() == DataType.FLOAT32
        && x.getShape().size() <= Integer.MAX_VALUE;
  }

  private static boolean forcedToDevice() {
    String path = System.getProperty(PATH_PROPERTY, "java");
    switch (path) {
      case "java":
        return false;
      case "device":
        return true;
      default:
        throw new IllegalArgumentException("-D" + PATH_PROPERTY + "=" + path
            + " is unknown; use java (Java masks on the CPU, the default) or device (libtorch's"
            + " generator on the tensor's device)");
    }
  }

  /**
   * Draws a mask for {@code x} on its own device with libtorch's generator, reseeded with
   * {@code seed} first ({@code torch.manual_seed}, which seeds the CPU and every CUDA generator):
   * the same seed gives the same mask on one device, so a recomputed layer sees the masks of its
   * first pass. A uniform draw, a comparison and a scale, all on the device; the mask has
   * {@code x}'s type (bf16 and fp16 included).
   *
   * @param manager the owner of the mask
   * @param x the input (its shape, device and type)
   * @param rate the drop probability, in (0, 1)
   * @param seed the seed
   * @return zeros and {@code 1 / (1 - rate)} in {@code x}'s type, on {@code x}'s device
   */
  static NDArray onDevice(NDManager manager, NDArray x, float rate, long seed) {
    if (!(rate > 0f && rate < 1f)) {
      throw new IllegalArgumentException("dropout rate must be in (0, 1), got " + rate);
    }
    if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
      JniUtils.setSeed(seed);
    } else {
      Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
    }
    try (NDArray uniform = manager.randomUniform(0f, 1f, x.getShape(), DataType.FLOAT32, x.getDevice());
        NDArray kept = uniform.gte(rate)) {
      return kept.toType(x.getDataType(), false).muli(1f / (1f - rate));
    }
  }

  /**
   * Draws a mask.
   *
   * @param manager the owner of the mask
   * @param shape the mask's shape (the input's)
   * @param rate the drop probability, in (0, 1)
   * @param seed the seed; the same seed gives the same mask
   * @return a float32 array of zeros and {@code 1 / (1 - rate)}
   */
  static NDArray scaledKeep(NDManager manager, Shape shape, float rate, long seed) {
    if (!(rate > 0f && rate < 1f)) {
      throw new IllegalArgumentException("dropout rate must be in (0, 1), got " + rate);
    }
    int n = Math.toIntExact(shape.size());
    NDArray mask = manager.create(shape, DataType.FLOAT32);
    ByteBuffer memory = mask.toByteBuffer(true);
    if (!memory.isDirect()) {
      mask.close();
      throw new IllegalStateException("the engine did not expose the mask's memory; use dropout");
    }
    FloatBuffer out = memory.order(ByteOrder.nativeOrder()).asFloatBuffer();
    // drop when the unsigned 32-bit draw is below rate * 2^32
    long threshold = Math.round(rate * TWO_TO_32);
    float keep = 1f / (1f - rate);
    int chunks = (n + CHUNK - 1) / CHUNK;
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom[] streams = new SplittableRandom[chunks];
    for (int c = 0; c < chunks; c++) {
      streams[c] = root.split();
    }
    IntStream.range(0, chunks).parallel().forEach(c -> {
      SplittableRandom random = streams[c];
      int end = Math.min(n, (c + 1) * CHUNK);
      for (int i = c * CHUNK; i < end; i++) {
        out.put(i, Integer.toUnsignedLong(random.nextInt()) < threshold ? 0f : keep);
      }
    });
    return mask;
  }
}
