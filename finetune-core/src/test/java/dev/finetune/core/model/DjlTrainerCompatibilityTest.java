package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.finetune.schedules.ParameterSelector;
import org.junit.jupiter.api.Test;

/** The classifier works as the block of a plain DJL Model/Trainer: a step moves trainable parameters only. */
class DjlTrainerCompatibilityTest {

  @Test
  void djlTrainerStepUpdatesTrainableParametersOnly() {
    try (SequenceClassifier block = TinyFixtures.bert(2, 1);
        Model model = Model.newInstance("tiny")) {
      block.parameters().freeze(ParameterSelector.embeddings());
      model.setBlock(block);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
      String frozen = "embeddings.word_embeddings.weight";
      String trained = "encoder.layer.1.output.dense.weight";
      float[] frozenBefore = block.parameters().get(frozen).parameter().getArray().toFloatArray();
      float[] trainedBefore = block.parameters().get(trained).parameter().getArray().toFloatArray();
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(2, 6), new Shape(2, 6), new Shape(2, 6));
        try (NDManager m = block.manager().newSubManager()) {
          NDList inputs = TinyFixtures.batch(m);
          NDList labels = new NDList(m.create(new long[] {0, 1}));
          try (GradientCollector c = trainer.newGradientCollector()) {
            NDList out = trainer.forward(inputs);
            c.backward(trainer.getLoss().evaluate(labels, out));
          }
          trainer.step();
        }
      }
      assertThat(block.parameters().get(frozen).parameter().getArray().toFloatArray())
          .containsExactly(frozenBefore);
      assertThat(TinyFixtures.maxAbsDiff(
              block.parameters().get(trained).parameter().getArray().toFloatArray(), trainedBefore))
          .isGreaterThan(1e-7);
    }
  }
}
