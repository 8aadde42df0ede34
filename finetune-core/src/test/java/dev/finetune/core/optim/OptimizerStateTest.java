package dev.finetune.core.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saved optimizer state resumes bit-identically; steps run with autograd recording off. */
class OptimizerStateTest {

  private static final int PARAMETERS = 3;

  @Test
  void saveAndLoadContinuesBitIdenticallyForEveryOptimizer(@TempDir Path dir) throws IOException {
    List<OptimizerSpec> specs =
        List.of(
            Optimizers.sgd().momentum(0.9).weightDecay(0.01),
            Optimizers.sgd().momentum(0.9).nesterov(true),
            Optimizers.adam().weightDecay(0.01),
            Optimizers.adamW().weightDecay(0.05));
    for (OptimizerSpec spec : specs) {
      float[][] uninterrupted = run(spec, 5, -1, dir);
      float[][] resumed = run(spec, 5, 3, dir);
      for (int p = 0; p < PARAMETERS; p++) {
        assertThat(resumed[p]).as("%s parameter %d", spec, p).containsExactly(uninterrupted[p]);
      }
    }
  }

  /** Runs {@code steps} steps; when {@code resumeAfter >= 0} saves and reloads into a new one. */
  private static float[][] run(OptimizerSpec spec, int steps, int resumeAfter, Path dir)
      throws IOException {
    Random random = new Random(7);
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NDArray> weights = new ArrayList<>();
      for (int p = 0; p < PARAMETERS; p++) {
        weights.add(manager.create(randomValues(random, 4 + p)));
      }
      Optimizer optimizer = spec.create(manager);
      try {
        for (int s = 0; s < steps; s++) {
          if (s == resumeAfter) {
            Path file = dir.resolve(spec.algorithm() + ".state");
            optimizer.saveState(file);
            optimizer.close();
            optimizer = spec.create(manager);
            optimizer.loadState(file);
          }
          List<ParameterUpdate> updates = new ArrayList<>();
          for (int p = 0; p < PARAMETERS; p++) {
            // parameter 2 joins at step 2, like a layer unfrozen later
            if (p == 2 && s < 2) {
              continue;
            }
            NDArray w = weights.get(p);
            NDArray g = manager.create(randomValues(random, (int) w.size()));
            updates.add(new ParameterUpdate("p" + p, w, g, 0.01 * (p + 1), 0.01));
          }
          optimizer.step(updates);
        }
        assertThat(optimizer.stepCount("p0")).isEqualTo(steps);
        assertThat(optimizer.stepCount("p2")).isEqualTo(steps - 2);
      } finally {
        optimizer.close();
      }
      float[][] result = new float[PARAMETERS][];
      for (int p = 0; p < PARAMETERS; p++) {
        result[p] = weights.get(p).toFloatArray();
      }
      return result;
    }
  }

  @Test
  void stateOfAnotherAlgorithmIsRejectedWithAClearMessage() throws IOException {
    try (NDManager manager = NDManager.newBaseManager();
        Optimizer adam = Optimizers.adam().create(manager);
        Optimizer sgd = Optimizers.sgd().momentum(0.9).create(manager)) {
      NDArray w = manager.create(new float[] {1f, 2f});
      OptimizerFormulaTest.step(adam, "w", w, new float[] {0.1f, 0.2f}, 0.1, 0);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      adam.saveState(bytes);
      assertThatThrownBy(() -> sgd.loadState(new ByteArrayInputStream(bytes.toByteArray())))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("'adam'")
          .hasMessageContaining("same optimizer settings");
      assertThatThrownBy(() -> sgd.loadState(new ByteArrayInputStream(new byte[] {1, 2, 3})))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("not optimizer state");
    }
  }

  @Test
  void atomicSaveLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
    try (NDManager manager = NDManager.newBaseManager();
        Optimizer adam = Optimizers.adamW().create(manager)) {
      NDArray w = manager.create(new float[] {1f, 2f});
      OptimizerFormulaTest.step(adam, "w", w, new float[] {0.1f, 0.2f}, 0.1, 0);
      adam.saveState(dir.resolve("optimizer.bin"));
      adam.saveState(dir.resolve("optimizer.bin"));
      try (var files = Files.list(dir)) {
        assertThat(files.map(f -> f.getFileName().toString())).containsExactly("optimizer.bin");
      }
    }
  }

  @Test
  void stepsRunWithRecordingOffEvenInsideAGradientCollector() {
    try (NDManager manager = NDManager.newBaseManager();
        Optimizer adam = Optimizers.adamW().create(manager)) {
      NDArray w = manager.create(new float[] {1f, 2f});
      w.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(w.square().sum());
        // the failure NoGradScope prevents: PyTorch rejects in-place ops on such a leaf
        assertThatThrownBy(() -> w.subi(manager.create(new float[] {0.1f, 0.1f})))
            .hasMessageContaining("in-place");
        NDArray gradient = w.getGradient();
        adam.step(List.of(new ParameterUpdate("w", w, gradient, 0.01, 0.0)));
      }
      assertThat(w.toFloatArray()).containsExactly(0.99f, 1.99f);
      assertThat(w.hasGradient()).isTrue();
    }
  }

  @Test
  void stepsLeaveNoArraysBehindBeyondTheirState() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray w = manager.create(new float[] {1f, 2f, 3f});
      NDArray b = manager.create(new float[] {0.5f});
      NDArray gw = manager.create(new float[] {0.1f, -0.2f, 0.3f});
      NDArray gb = manager.create(new float[] {0.4f});
      for (OptimizerSpec spec :
          List.of(
              Optimizers.sgd().momentum(0.9).nesterov(true).weightDecay(0.1),
              Optimizers.adam().weightDecay(0.1),
              Optimizers.adamW())) {
        try (Optimizer optimizer = spec.create(manager)) {
          List<ParameterUpdate> updates =
              List.of(
                  new ParameterUpdate("w", w, gw, 0.01, 0.1),
                  new ParameterUpdate("b", b, gb, 0.01, 0.0));
          optimizer.step(updates);
          int afterFirstStep = manager.getManagedArrays().size();
          for (int i = 0; i < 20; i++) {
            optimizer.step(updates);
            GradientClipping.clipByGlobalNorm(List.of(gw, gb), 10.0);
          }
          assertThat(manager.getManagedArrays()).as(spec.toString()).hasSize(afterFirstStep);
        }
      }
      // closing the optimizers released their state: only the four arrays above remain
      assertThat(manager.getManagedArrays()).hasSize(4);
    }
  }

  private static float[] randomValues(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
