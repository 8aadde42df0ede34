package dev.finetune.core.params;

import dev.finetune.schedules.ParameterSelector;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import dev.finetune.schedules.ParameterRole;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradients reach every trainable parameter and no frozen one; unfreezing restores them. */
class FreezingTest {

  private static void backward(SequenceClassifier model) {
    for (ModelParameter p : model.parameters().all()) {
      if (p.parameter().getArray().hasGradient()) {
        p.parameter().getArray().getGradient().subi(p.parameter().getArray().getGradient());
      }
    }
    try (NDManager m = model.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray logits = model.forward(TinyFixtures.batch(m), true).singletonOrThrow();
      collector.backward(logits.mul(logits).sum());
    }
  }

  private static boolean hasNonZeroGradient(ModelParameter p) {
    NDArray array = p.parameter().getArray();
    if (!array.hasGradient()) {
      return false;
    }
    return array.getGradient().abs().sum().getFloat() > 0f;
  }

  @Test
  void everyTrainableParameterGetsAGradient() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      Engine.getInstance().setRandomSeed(1);
      backward(model);
      assertThat(model.parameters().all())
          .hasSize(5 + 2 * 16 + 4)
          .allSatisfy(p -> assertThat(hasNonZeroGradient(p)).as(p.hfName()).isTrue());
    }
  }

  @Test
  void frozenParametersGetNoGradientAndUnfreezingRestoresIt() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      ModelParameters params = model.parameters();
      int frozen = params.freeze(ParameterSelector.embeddings().or(ParameterSelector.layer(0)));
      assertThat(frozen).isEqualTo(5 + 16);
      Engine.getInstance().setRandomSeed(1);
      backward(model);
      for (ModelParameter p : params.all()) {
        boolean shouldTrain = p.address().layer() >= 1;
        assertThat(p.isTrainable()).as(p.hfName()).isEqualTo(shouldTrain);
        assertThat(p.parameter().requiresGradient()).isEqualTo(shouldTrain);
        assertThat(p.parameter().getArray().hasGradient()).as(p.hfName()).isEqualTo(shouldTrain);
        if (shouldTrain) {
          assertThat(hasNonZeroGradient(p)).as(p.hfName()).isTrue();
        }
      }
      long embeddingsAndLayer0 =
          params.select(ParameterSelector.embeddings().or(ParameterSelector.layer(0))).stream().mapToLong(ModelParameter::size).sum();
      assertThat(params.countTrainable()).isEqualTo(params.countTotal() - embeddingsAndLayer0);

      params.unfreeze(ParameterSelector.all());
      backward(model);
      assertThat(params.all()).allSatisfy(p -> assertThat(hasNonZeroGradient(p)).as(p.hfName()).isTrue());
      assertThat(params.countTrainable()).isEqualTo(params.countTotal());
    }
  }

  @Test
  void bitFitTrainsBiasesOnly() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      model.parameters().trainOnly(ParameterSelector.role(ParameterRole.BIAS));
      List<ModelParameter> trainable = model.parameters().trainable();
      assertThat(trainable).isNotEmpty().allMatch(p -> p.hfName().endsWith(".bias"));
      assertThat(trainable).hasSize(1 + 2 * 8 + 2); // embeddings LN, 8 per layer, pooler, classifier
    }
  }
}
