package dev.finetune.core.params;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic, seeded initial values computed in Java (independent of the engine and the
 * device): each tensor draws from its own stream derived from the seed and its name, so the value
 * of one parameter does not depend on which others were initialised before it.
 *
 * <pre>{@code
 * float[] w = SeededInit.normal(42, "classifier.weight", 2 * 384, 0.02);
 * }</pre>
 */
public final class SeededInit {

  private SeededInit() {}

  /**
   * Draws values from N(0, std²).
   *
   * @param seed the run's seed
   * @param name the parameter name (mixed into the stream)
   * @param count how many values
   * @param std the standard deviation
   * @return the values
   */
  public static float[] normal(long seed, String name, int count, double std) {
    SplittableRandom random = stream(seed, name);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextGaussian() * std);
    }
    return values;
  }

  /**
   * A constant tensor (ones for LayerNorm weights, zeros for biases).
   *
   * @param count how many values
   * @param value the value
   * @return the values
   */
  public static float[] constant(int count, float value) {
    float[] values = new float[count];
    if (value != 0f) {
      java.util.Arrays.fill(values, value);
    }
    return values;
  }

  /**
   * Hugging Face's BERT initialisation for one parameter: LayerNorm weight 1, every bias 0, other
   * weights N(0, initializerRange²) (embedding padding rows are not zeroed, as for a fresh head).
   *
   * @param seed the run's seed
   * @param name the Hugging Face name
   * @param count how many values
   * @param initializerRange the standard deviation for weights
   * @return the values
   */
  public static float[] bertStyle(long seed, String name, int count, double initializerRange) {
    if (name.endsWith("bias")) {
      return constant(count, 0f);
    }
    if (ParameterAddresses.roleOf(name) == dev.finetune.schedules.ParameterRole.LAYER_NORM) {
      return constant(count, 1f);
    }
    return normal(seed, name, count, initializerRange);
  }

  private static SplittableRandom stream(long seed, String name) {
    long h = 1125899906842597L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ h);
  }
}
