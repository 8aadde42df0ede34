package dev.finetune.core.model;

import static dev.finetune.core.model.TinyFixtures.batch;
import static dev.finetune.core.model.TinyFixtures.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.params.ParameterAddresses;
import dev.finetune.schedules.ParameterSelector;
import dev.finetune.schedules.ParameterRole;
import org.junit.jupiter.api.Test;

/** The PEFT hooks: wrapped projections, inserted blocks, soft tokens and key/value prefixes. */
class ExtensionPointsTest {

  private static float[] logits(SequenceClassifier model) {
    try (NDManager m = model.manager().newSubManager()) {
      return model.forward(batch(m), false).singletonOrThrow().toFloatArray();
    }
  }

  private static Parameter addPeftParameter(SequenceClassifier model, String name, float[] values, long... shape) {
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
    p.setArray(model.manager().create(values, new Shape(shape)));
    p.freeze(false);
    model.parameters().add(new ModelParameter(name, ParameterAddresses.peft(name), p));
    return p;
  }

  @Test
  void identityWrapperGivesIdenticalOutputs() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      float[] before = logits(model);
      for (EncoderBlock layer : model.encoder().layers()) {
        for (Projection p : layer.projections()) {
          p.wrap((ctx, base, x) -> base.base(ctx, x));
        }
      }
      model.head().classifier().wrap((ctx, base, x) -> base.base(ctx, x));
      assertThat(logits(model)).containsExactly(before);
      assertThatThrownBy(() -> model.encoder().layer(0).query().wrap((c, b, x) -> x))
          .hasMessageContaining("already wrapped");
      model.encoder().layer(0).query().unwrap();
      assertThat(model.encoder().layer(0).query().wrapper()).isEmpty();
    }
  }

  @Test
  void wrapperChangesOutputAndItsParametersTrain() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      float[] before = logits(model);
      Projection value = model.encoder().layer(1).value();
      float[] scale = new float[32];
      java.util.Arrays.fill(scale, 1.5f);
      Parameter ia3 = addPeftParameter(model, value.name() + ".ia3_l.weight", scale, 32);
      value.wrap((ctx, base, x) -> base.base(ctx, x).mul(ctx.value(ia3)));
      assertThat(model.parameters().get(value.name() + ".ia3_l.weight").address().role())
          .isEqualTo(ParameterRole.PEFT);
      assertThat(maxAbsDiff(before, logits(model))).isGreaterThan(1e-5);

      model.parameters().trainOnly(ParameterSelector.role(ParameterRole.PEFT));
      try (NDManager m = model.manager().newSubManager();
          GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray out = model.forward(batch(m), true).singletonOrThrow();
        c.backward(out.mul(out).sum());
      }
      assertThat(ia3.getArray().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
      assertThat(value.weight().getArray().hasGradient()).isFalse();
    }
  }

  @Test
  void insertedBlocksRunWhereTheySay() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      float[] before = logits(model);
      EncoderLayer layer = model.encoder().layer(0);
      HiddenTransform identity = (ctx, h) -> h;
      HiddenTransform zero = (ctx, h) -> h.zerosLike();
      layer.insertAfterAttention(identity);
      layer.insertAfterFfn(identity);
      layer.insertParallelToFfn(zero);
      assertThat(logits(model)).containsExactly(before);

      HiddenTransform doubling = (ctx, h) -> h.mul(2);
      for (Runnable insert :
          new Runnable[] {
            () -> layer.insertAfterAttention(doubling),
            () -> layer.insertAfterFfn(doubling),
            () -> layer.insertParallelToFfn(doubling)
          }) {
        insert.run();
        assertThat(maxAbsDiff(before, logits(model))).isGreaterThan(1e-5);
        assertThat(layer.remove(doubling)).isTrue();
        assertThat(maxAbsDiff(before, logits(model))).isLessThan(1e-6);
      }
    }
  }

  @Test
  void softTokensAreAttendedAndExtendTheSequence() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      float[] before = logits(model);
      Parameter prompt =
          addPeftParameter(model, "prompt_embeddings.weight", dev.finetune.core.params.SeededInit.normal(1, "p", 3 * 32, 0.5), 3, 32);
      model.encoder().setSoftTokens((ctx, batch) -> ctx.value(prompt));
      try (NDManager m = model.manager().newSubManager()) {
        EncoderOutput out = model.encode(batch(m));
        assertThat(out.lastHiddenState().getShape()).isEqualTo(new Shape(2, 9, 32));
        assertThat(out.attentionMask().toLongArray())
            .startsWith(1, 1, 1, 1, 1, 1, 1, 1, 0);
      }
      assertThat(maxAbsDiff(before, logits(model))).isGreaterThan(1e-5);
      model.encoder().setSoftTokens(null);
      assertThat(logits(model)).containsExactly(before);
    }
  }

  @Test
  void keyValuePrefixIsAttendedTo() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      float[] before = logits(model);
      Parameter keys = addPeftParameter(model, "encoder.layer.0.prefix_keys", dev.finetune.core.params.SeededInit.normal(1, "k", 4 * 32, 1.0), 4, 32);
      Parameter values = addPeftParameter(model, "encoder.layer.0.prefix_values", dev.finetune.core.params.SeededInit.normal(1, "v", 4 * 32, 1.0), 4, 32);
      model.encoder().layer(0).setKeyValuePrefix(
          (ctx, batch) -> new KeyValuePrefix.Prefix(ctx.value(keys), ctx.value(values)));
      try (NDManager m = model.manager().newSubManager()) {
        assertThat(model.encode(batch(m)).lastHiddenState().getShape()).isEqualTo(new Shape(2, 6, 32));
      }
      assertThat(maxAbsDiff(before, logits(model))).isGreaterThan(1e-5);
      model.parameters().trainOnly(ParameterSelector.role(ParameterRole.PEFT));
      try (NDManager m = model.manager().newSubManager();
          GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray out = model.forward(batch(m), true).singletonOrThrow();
        c.backward(out.mul(out).sum());
      }
      assertThat(keys.getArray().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
      assertThat(values.getArray().getGradient().abs().sum().getFloat()).isGreaterThan(0f);
    }
  }
}
