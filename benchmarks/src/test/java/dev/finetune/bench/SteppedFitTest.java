package dev.finetune.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.FineTune;
import dev.finetune.peft.Peft;
import org.junit.jupiter.api.Test;

class SteppedFitTest {

  @Test
  void runsTheRealLoopOneStepAtATimeAndStopsWhenClosed() {
    TextDataset data = SyntheticText.filling(4 * 2, 16, 1);
    try (SequenceClassifier model = ModelShape.SMALL.randomModel(42)) {
      FineTune chain = FineTune.of(model).epochs(50).batchSize(4).maxLength(16).peft(Peft.bitFit());
      try (SteppedFit fit = SteppedFit.start(chain, data)) {
        for (int i = 0; i < 3; i++) { // crosses an epoch boundary (2 batches per epoch)
          fit.awaitReady();
          assertThat(fit.step()).isFinite().isPositive();
        }
      }
      assertThat(model.parameters().countTrainable()).isEqualTo(3202);
    }
  }

  @Test
  void reportsTheEndOfTheFitInsteadOfHanging() {
    TextDataset data = SyntheticText.filling(4, 16, 1);
    try (SequenceClassifier model = ModelShape.SMALL.randomModel(42)) {
      FineTune chain = FineTune.of(model).epochs(1).batchSize(4).maxLength(16).peft(Peft.bitFit());
      try (SteppedFit fit = SteppedFit.start(chain, data)) {
        fit.step();
        assertThatThrownBy(fit::step)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("more epochs or batches");
      }
    }
  }
}
