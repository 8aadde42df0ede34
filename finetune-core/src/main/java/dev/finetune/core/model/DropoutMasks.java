package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Inverted-dropout masks for CPU tensors, drawn in Java on every core and written straight into
 * the tensor's memory.
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
    return rate > 0f && rate < 1f && Device.Type.CPU.equals(x.getDevice().getDeviceType()) && x.getDataType() == DataType.FLOAT32
        && x.getShape().size() <= Integer.MAX_VALUE;
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
