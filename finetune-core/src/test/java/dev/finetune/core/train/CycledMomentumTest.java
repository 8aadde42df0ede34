package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.Optimizer;
import dev.finetune.core.optim.OptimizerSpec;
import dev.finetune.core.optim.Optimizers;
import dev.finetune.core.optim.ParameterUpdate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop passes the momentum a schedule cycles (OneCycleLR) to the optimizer with
 * every step, and none when the schedule cycles none; the optimizer is wrapped to record what it
 * is given.
 */
class CycledMomentumTest {

  @TempDir Path dir;

  /** Delegates to a real optimizer and records each step's momentum (the same for all tensors). */
  private static final class Recording implements Optimizer {
    final Optimizer inner;
    final List<OptionalDouble> momentum = new ArrayList<>();

    Recording(Optimizer inner) {
      this.inner = inner;
    }

    @Override
    public void step(List<ParameterUpdate> updates) {
      assertThat(updates).extracting(ParameterUpdate::momentum).containsOnly(updates.get(0).momentum());
      momentum.add(updates.get(0).momentum());
      inner.step(updates);
    }

    @Override public OptimizerSpec spec() { return inner.spec(); }
    @Override public long stepCount(String name) { return inner.stepCount(name); }
    @Override public Set<String> parameterNames() { return inner.parameterNames(); }
    @Override public void resetState(String name) { inner.resetState(name); }
    @Override public void saveState(OutputStream out) throws IOException { inner.saveState(out); }
    @Override public void loadState(InputStream in) throws IOException { inner.loadState(in); }
    @Override public void close() { inner.close(); }
  }

  /** 40 examples in batches of 8: 5 steps per epoch. */
  private List<OptionalDouble> momentumPerStep(int epochs, String schedule) {
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
        SequenceClassifier model = TinySetup.model(0f, 23)) {
      FineTune chain = FineTune.of(model).tokenizer(tokenizer).epochs(epochs).batchSize(8)
          .optimizer(Optimizers.sgd().momentum(0.9)).learningRate(0.01).progressBar(false);
      if (schedule != null) {
        chain.schedule(schedule);
      }
      TrainingConfig config = chain.config();
      List<Recording> made = new ArrayList<>();
      new TrainingRun(model, config, tokenizer, TinySetup.toyTask("toy", 40, 31), null,
          manager -> {
            Recording r = new Recording(config.optimizer().create(manager));
            made.add(r);
            return r;
          }).run();
      assertThat(made).hasSize(1);
      return made.get(0).momentum;
    }
  }

  @Test
  void oneCycleMomentumReachesSgdAtEveryStep() {
    // T = 20 steps, pct_start 0.25: phase 1 ends at step 4 (0.95 -> 0.85), phase 2 at 19
    // (0.85 -> 0.95), cosine: m(t) = end + (start - end) / 2 * (1 + cos(pi * pct)).
    List<OptionalDouble> m =
        momentumPerStep(4, "OneCycleLR(max_lr=0.01,pct_start=0.25,anneal_strategy=cos)");
    assertThat(m).hasSize(20).allMatch(OptionalDouble::isPresent);
    assertThat(m.get(0).getAsDouble()).isCloseTo(0.95, within(1e-12));
    assertThat(m.get(2).getAsDouble()).isCloseTo(0.90, within(1e-12)); // pct 0.5
    assertThat(m.get(4).getAsDouble()).isCloseTo(0.85, within(1e-12));
    // step 9: pct (9 - 4) / 15 = 1/3: 0.95 - 0.05 * (1 + 0.5) = 0.875
    assertThat(m.get(9).getAsDouble()).isCloseTo(0.875, within(1e-12));
    assertThat(m.get(19).getAsDouble()).isCloseTo(0.95, within(1e-12));
  }

  @Test
  void aScheduleWithoutMomentumLeavesTheOptimizersOwn() {
    assertThat(momentumPerStep(1, null)).hasSize(5).containsOnly(OptionalDouble.empty());
  }
}
