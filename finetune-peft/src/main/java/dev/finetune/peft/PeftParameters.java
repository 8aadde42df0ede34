package dev.finetune.peft;

import ai.djl.nn.Parameter;
import dev.finetune.core.method.MethodParameters;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.params.ModelParameters;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Creates, registers and initialises the parameters PEFT methods add; freezes the base. */
final class PeftParameters {

  private PeftParameters() {}

  /** Registers a new trainable PEFT parameter (role PEFT) on the model's manager. */
  static Parameter add(SequenceClassifier model, String name, float[] values, long... shape) {
    return MethodParameters.add(model, name, values, shape);
  }

  /** A parameter a method must have installed before it is saved. */
  static ModelParameter required(SequenceClassifier model, String name, String method) {
    return model.parameters().find(name).orElseThrow(() -> new IllegalStateException(
        "the model has no " + name + " to save; apply " + method + " to it first"));
  }

  /** A deterministic stream per (seed, parameter name). */
  static SplittableRandom random(long seed, String name) {
    long h = 1125899906842597L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ h ^ 0x5DEECE66DL);
  }

  /** U(-bound, bound). */
  static float[] uniform(long seed, String name, int count, double bound) {
    SplittableRandom r = random(seed, name);
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
    }
    return v;
  }

  /** N(0, std²). */
  static float[] normal(long seed, String name, int count, double std) {
    SplittableRandom r = random(seed, name);
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) (r.nextGaussian() * std);
    }
    return v;
  }

  /** N(0, std²) truncated to [-2std, 2std] by redrawing, as {@code trunc_normal_}. */
  static float[] truncatedNormal(long seed, String name, int count, double std) {
    SplittableRandom r = random(seed, name);
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      double g;
      do {
        g = r.nextGaussian();
      } while (Math.abs(g) > 2);
      v[i] = (float) (g * std);
    }
    return v;
  }

  static float[] constant(int count, float value) {
    float[] v = new float[count];
    java.util.Arrays.fill(v, value);
    return v;
  }

  /** True for the pre-trained body: neither head nor PEFT addition. */
  static boolean isBase(ParameterAddress a) {
    return !a.isHead() && a.role() != ParameterRole.PEFT;
  }

  /**
   * Freezes the base when no earlier method chose what trains (every base parameter is still
   * trainable); a later method in a combination only adds what it trains.
   */
  static void freezeBaseOnce(SequenceClassifier model) {
    ModelParameters params = model.parameters();
    boolean untouched = params.all().stream()
        .filter(p -> isBase(p.address()) && !params.isFixed(p.hfName())) // fixed: always frozen
        .allMatch(ModelParameter::isTrainable);
    if (untouched) {
      params.freeze(PeftParameters::isBase);
    }
  }

  /** Applies the head choice: trains it, or freezes it. */
  static void head(SequenceClassifier model, boolean trainHead) {
    if (trainHead) {
      model.parameters().unfreeze(ParameterAddress::isHead);
    } else {
      model.parameters().freeze(ParameterAddress::isHead);
    }
  }
}
