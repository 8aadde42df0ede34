package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.TrainingReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped by a listener mid-epoch (as the scheme search stops a trial at a rung's budget)
 * saves a resume checkpoint at the stop, and a run started again on the same directory continues
 * from it: the step counter and the optimizer's step counts carry over, and the weights end as an
 * uninterrupted run's. 40 examples in batches of 8: 5 steps per epoch; stops at steps 3 and 7.
 */
class StopAndContinueTest {

  @RegisterExtension static final TinyTokenizer TOKENIZER = new TinyTokenizer();

  @TempDir Path dir;

  /** Stops at a step; records the global step and one parameter's optimizer step count at start. */
  private static final class StopAt implements TrainingListener {
    final long step;
    long startStep = -1;
    long startOptimizerSteps = -1;

    StopAt(long step) {
      this.step = step;
    }

    @Override
    public void onFitStart(TrainingContext context) {
      startStep = context.globalStep();
      ModelParameter first = context.parameters().trainable().get(0);
      startOptimizerSteps = context.optimizer().stepCount(first.hfName());
    }

    @Override
    public void onStepEnd(TrainingContext context, double loss) {
      if (context.globalStep() == step) {
        context.requestStop("budget of " + step + " steps reached");
      }
    }
  }

  private record Outcome(Map<String, float[]> weights, TrainingReport report) {}

  private Outcome fit(Path checkpoints, TrainingListener... callbacks) {
    try (SequenceClassifier model = TinySetup.model(0.1f, 23)) {
      FineTune chain = FineTune.of(model).tokenizer(TOKENIZER.get()).learningRate(2e-3).epochs(2)
          .batchSize(8).progressBar(false).callbacks(callbacks);
      if (checkpoints != null) {
        chain.checkpoints(checkpoints, 0);
      }
      TrainingReport report =
          chain.fit(TinySetup.toyTask("toy", 40, 31), TinySetup.toyTask("dev", 16, 32));
      return new Outcome(TinySetup.snapshot(model), report);
    }
  }

  @Test
  void aStoppedRunContinuesFromItsStepAndOptimizerState() {
    Outcome straight = fit(null);
    Path checkpoints = dir.resolve("trial");

    StopAt first = new StopAt(3);
    Outcome rung0 = fit(checkpoints, first);
    assertThat(first.startStep).isZero();
    assertThat(rung0.report().epochs()).hasSize(1);
    assertThat(rung0.report().epochs().get(0).steps()).isEqualTo(3);

    StopAt second = new StopAt(7);
    Outcome rung1 = fit(checkpoints, second);
    assertThat(second.startStep).isEqualTo(3);
    assertThat(second.startOptimizerSteps).isEqualTo(3);

    StopAt last = new StopAt(-1);
    Outcome rest = fit(checkpoints, last);
    assertThat(last.startStep).isEqualTo(7);
    assertThat(last.startOptimizerSteps).isEqualTo(7);
    assertThat(rung1.report().epochs().get(rung1.report().epochs().size() - 1).steps()).isEqualTo(7);

    List<String> differing = new ArrayList<>();
    straight.weights().forEach((name, values) -> {
      if (TinySetup.maxAbsDiff(values, rest.weights().get(name)) > 1e-6) {
        differing.add(name);
      }
    });
    assertThat(differing).as("parameters that differ from the uninterrupted run").isEmpty();
    assertThat(rest.report().epochs()).extracting(r -> r.steps()).containsExactly(5L, 10L);
    assertThat(rest.report().epochs().get(1).validationLoss())
        .isEqualTo(straight.report().epochs().get(1).validationLoss());
  }
}
