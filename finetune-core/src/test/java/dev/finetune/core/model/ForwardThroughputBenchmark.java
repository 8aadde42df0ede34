package dev.finetune.core.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.finetune.core.checkpoint.EmbeddedMiniLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Benchmark, not a test (disabled unless {@code -Dfinetune.bench=true}): forward tokens/s of
 * all-MiniLM-L6-v2 at batch 32 x 128 on the current device, and one forward+backward step.
 *
 * <pre>{@code
 * mvn -o -pl finetune-core verify -Dtest=ForwardThroughputBenchmark -Dfinetune.bench=true
 * }</pre>
 */
@EnabledIfSystemProperty(named = "finetune.bench", matches = "true")
class ForwardThroughputBenchmark {

  @Test
  void miniLmForward32x128() {
    int batch = 32;
    int length = 128;
    int iterations = Integer.getInteger("finetune.bench.iterations", 5);
    System.out.println("cache root: " + EmbeddedMiniLm.cacheRoot());
    try (SequenceClassifier model = Encoders.embeddedMiniLm().forSequenceClassification(2)) {
      Engine.getInstance().setRandomSeed(1);
      for (boolean training : new boolean[] {false, true}) {
        double best = Double.MAX_VALUE;
        double total = 0;
        for (int i = 0; i < iterations + 1; i++) {
          try (NDManager m = model.manager().newSubManager()) {
            NDArray ids = m.randomInteger(1000, 30000, new Shape(batch, length), DataType.INT64);
            ids.set(new ai.djl.ndarray.index.NDIndex(":, 0"), 101);
            NDList inputs = new NDList(ids, m.ones(new Shape(batch, length), DataType.INT64));
            long start = System.nanoTime();
            if (training) {
              try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(inputs, true).singletonOrThrow();
                c.backward(logits.sum());
              }
            } else {
              model.forward(inputs, false).singletonOrThrow().toFloatArray();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (i > 0) { // the first iteration warms up
              best = Math.min(best, seconds);
              total += seconds;
            }
          }
        }
        double mean = total / iterations;
        System.out.printf(
            "%s at %d x %d on %s: mean %.3f s (best %.3f s) per batch = %.0f tokens/s (best %.0f)%n",
            training ? "forward+backward" : "eval forward",
            batch,
            length,
            model.device(),
            mean,
            best,
            batch * length / mean,
            batch * length / best);
      }
    }
  }
}
