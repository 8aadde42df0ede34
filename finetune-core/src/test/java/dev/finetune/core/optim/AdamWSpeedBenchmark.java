package dev.finetune.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a unit test: milliseconds per AdamW step over MiniLM-L6's parameter shapes (22.7M values
 * in 101 tensors), our {@link Optimizer} (its one-pass CPU path and its device-generic path, as a
 * GPU runs it; SGD with Nesterov momentum both ways too) against
 * DJL's fused {@code NDArrayEx.adamUpdate} with its bias correction and epsilon rewritten to
 * torch's form. Run with
 *
 * <pre>{@code
 * mvn -o -q -pl finetune-core -am verify -Dfinetune.bench=true \
 *     -Dtest=AdamWSpeedBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * }</pre>
 */
@EnabledIfSystemProperty(named = "finetune.bench", matches = "true")
class AdamWSpeedBenchmark {

  private static final int WARMUP = 3;
  private static final int MEASURED = 15;
  private static final double LR = 2e-5;
  private static final double WD = 0.01;

  @Test
  void adamWOverMiniLmShapes() {
    try (NDManager manager = NDManager.newBaseManager()) {
      List<Shape> shapes = miniLmShapes();
      List<NDArray> weights = new ArrayList<>();
      List<NDArray> gradients = new ArrayList<>();
      long total = 0;
      for (Shape shape : shapes) {
        weights.add(manager.randomNormal(0, 0.02f, shape, ai.djl.ndarray.types.DataType.FLOAT32));
        gradients.add(manager.randomNormal(0, 1e-3f, shape, ai.djl.ndarray.types.DataType.FLOAT32));
        total += shape.size();
      }
      System.out.printf("AdamW over %d tensors, %,d values%n", shapes.size(), total);

      AdamSpec adamW = Optimizers.adamW().weightDecay(WD);
      try (Optimizer fused = new AdamOptimizer(adamW, manager, true);
          Optimizer generic = new AdamOptimizer(adamW, manager, false)) {
        List<ParameterUpdate> updates = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
          updates.add(new ParameterUpdate("p" + i, weights.get(i), gradients.get(i), LR, WD));
        }
        report("ours (one pass, Java)", () -> fused.step(updates));
        report("ours (device-generic path: native adamUpdate)", () -> generic.step(updates));
      }

      SgdSpec nesterov = Optimizers.sgd().momentum(0.9).nesterov(true);
      try (Optimizer fused = new SgdOptimizer(nesterov, manager, true);
          Optimizer generic = new SgdOptimizer(nesterov, manager, false)) {
        List<ParameterUpdate> updates = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
          updates.add(new ParameterUpdate("p" + i, weights.get(i), gradients.get(i), LR, WD));
        }
        report("ours SGD Nesterov + L2 (one pass, Java)", () -> fused.step(updates));
        report("ours SGD Nesterov + L2 (device-generic path: in-place ops)", () -> generic.step(updates));
      }
      report("clipByGlobalNorm", () -> GradientClipping.clipByGlobalNorm(gradients, 1e9));

      List<NDArray> means = new ArrayList<>();
      List<NDArray> variances = new ArrayList<>();
      for (Shape shape : shapes) {
        means.add(manager.zeros(shape));
        variances.add(manager.zeros(shape));
      }
      long[] step = {0};
      report(
          "DJL fused adamUpdate",
          () -> {
            step[0]++;
            for (int i = 0; i < weights.size(); i++) {
              fusedAdamW(weights.get(i), gradients.get(i), means.get(i), variances.get(i), step[0]);
            }
          });
      assertThat(weights.get(0).isInfinite().any().getBoolean()).isFalse();
    }
  }

  @Test
  void fusedUpdateAgreesWithOursWithinFloatRounding() {
    try (NDManager manager = NDManager.newBaseManager();
        Optimizer ours = Optimizers.adamW().weightDecay(WD).create(manager)) {
      Shape shape = new Shape(1000);
      NDArray a = manager.randomNormal(shape);
      NDArray b = a.duplicate();
      NDArray mean = manager.zeros(shape);
      NDArray variance = manager.zeros(shape);
      for (int t = 1; t <= 5; t++) {
        NDArray g = manager.randomNormal(shape);
        ours.step(List.of(new ParameterUpdate("a", a, g, LR, WD)));
        fusedAdamW(b, g, mean, variance, t);
      }
      float max = a.sub(b).abs().max().getFloat();
      float largest = a.abs().max().getFloat();
      System.out.printf(
          "fused vs ours after 5 steps: max |diff| = %.3e, max |w| = %.2f (%.1f ulp)%n",
          max, largest, max / Math.ulp(largest));
      // same formula up to float rounding: torch and ours round (1 - lr*wd) to float32 (2e-7
      // becomes 1.79e-7), DJL multiplies w*lr*wd; a wrong bias correction would differ by ~lr
      assertThat(max).isLessThan(2e-6f);
    }
  }

  /** DJL's fused update with lr and eps rescaled so that it computes torch's AdamW. */
  static void fusedAdamW(NDArray weight, NDArray gradient, NDArray mean, NDArray variance, long t) {
    double bc1 = 1 - Math.pow(0.9, t);
    double bc2Sqrt = Math.sqrt(1 - Math.pow(0.999, t));
    weight
        .getNDArrayInternal()
        .adamUpdate(
            new NDList(weight, gradient, mean, variance),
            new NDList(weight),
            (float) LR,
            (float) (LR * bc2Sqrt / bc1),
            (float) WD,
            1f,
            -1f,
            0.9f,
            0.999f,
            (float) (1e-8 * bc2Sqrt),
            false,
            true);
  }

  private static void report(String label, Runnable step) {
    for (int i = 0; i < WARMUP; i++) {
      step.run();
    }
    long[] times = new long[MEASURED];
    for (int i = 0; i < MEASURED; i++) {
      long start = System.nanoTime();
      step.run();
      times[i] = System.nanoTime() - start;
    }
    java.util.Arrays.sort(times);
    System.out.printf(
        "%-24s median %.1f ms/step, min %.1f ms/step%n",
        label, times[MEASURED / 2] / 1e6, times[0] / 1e6);
  }

  /** MiniLM-L6 (hidden 384, FFN 1536, 6 layers) parameter shapes without the pooler. */
  static List<Shape> miniLmShapes() {
    List<Shape> shapes = new ArrayList<>();
    shapes.add(new Shape(30522, 384));
    shapes.add(new Shape(512, 384));
    shapes.add(new Shape(2, 384));
    shapes.add(new Shape(384));
    shapes.add(new Shape(384));
    for (int layer = 0; layer < 6; layer++) {
      for (int projection = 0; projection < 4; projection++) {
        shapes.add(new Shape(384, 384));
        shapes.add(new Shape(384));
      }
      shapes.add(new Shape(384));
      shapes.add(new Shape(384));
      shapes.add(new Shape(1536, 384));
      shapes.add(new Shape(1536));
      shapes.add(new Shape(384, 1536));
      shapes.add(new Shape(384));
      shapes.add(new Shape(384));
      shapes.add(new Shape(384));
    }
    return shapes;
  }
}
