package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.finetune.core.optim.NoGradScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The evaluation forward ({@link InferenceLayer}) against the training forward
 * ({@link EncoderLayer#forward}, run with every dropout rate 0 so it computes the same function):
 * bit for bit without fused weights, within float rounding (1e-5, same argmax) with
 * {@link InferenceWeights}, eager or through the oneDNN kernels ({@link CpuKernels}); for the
 * BERT, RoBERTa, DistilBERT, ELECTRA and ALBERT (one layer's weights applied at every depth)
 * families, with and without padding, GELU, the tanh GELU and ReLU.
 */
class InferenceLayerTest {

  enum Family {
    BERT(ModelType.BERT, 0), ROBERTA(ModelType.ROBERTA, 1), DISTILBERT(new DistilBertFamily(), 0),
    ELECTRA(new ElectraFamily(), 0), ALBERT(new AlbertFamily(), 0);

    final ModelType type;
    final int pad;

    Family(ModelType type, int pad) {
      this.type = type;
      this.pad = pad;
    }
  }

  static EncoderConfig config(Family family, HiddenActivation act) {
    return EncoderConfig.builder()
        .modelType(family.type)
        .padTokenId(family.pad)
        .typeVocabSize(family == Family.BERT ? 2 : 1)
        .vocabSize(100)
        .hiddenSize(48)
        .numLayers(2)
        .numHeads(4)
        .intermediateSize(96)
        .maxPositionEmbeddings(40)
        .hiddenAct(act)
        .hiddenDropout(0f)
        .attentionDropout(0f)
        .classifierDropout(0f)
        .build();
  }

  /** Rows of 7 tokens; the second and third padded (pad id of the family) when padded. */
  static NDList batch(NDManager m, int pad, boolean padded) {
    long p = pad;
    long[][] ids = padded
        ? new long[][] {{2, 5, 7, 9, 11, 13, 3}, {2, 6, 8, 3, p, p, p}, {2, 40, 3, p, p, p, p}}
        : new long[][] {{2, 5, 7, 9, 11, 13, 3}, {2, 6, 8, 10, 12, 14, 3}};
    long[][] mask = new long[ids.length][ids[0].length];
    for (int r = 0; r < ids.length; r++) {
      for (int c = 0; c < ids[r].length; c++) {
        mask[r][c] = ids[r][c] == p && c > 0 ? 0 : 1;
      }
    }
    return new NDList(m.create(ids), m.create(mask), m.zeros(new ai.djl.ndarray.types.Shape(
        ids.length, ids[0].length), ai.djl.ndarray.types.DataType.INT64));
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void evaluationForwardIsTheTrainingForwardBitForBitAndFusedWithinRounding(Family family) {
    for (HiddenActivation act : HiddenActivation.values()) {
      for (boolean padded : new boolean[] {false, true}) {
        for (Pooling pooling : new Pooling[] {Pooling.CLS_POOLER, Pooling.MEAN}) {
          for (boolean kernels : new boolean[] {false, true}) {
            try (SequenceClassifier model = SequenceClassifier.randomInit(
                    config(family, act), 3, pooling, 7, Device.cpu());
                NoGradScope ignored = NoGradScope.enter();
                NDManager m = model.manager().newSubManager();
                InferenceWeights fused = InferenceWeights.of(model, kernels)) {
              // the oneDNN path is taken when asked for (and must compile on this engine)
              assertThat(fused.packed(model.encoder().layer(0)) != null).isEqualTo(kernels);
              NDList in = batch(m, family.pad, padded);
              float[] training = model.forward(in, true).singletonOrThrow().toFloatArray();
              float[] evaluation = model.forward(in, false).singletonOrThrow().toFloatArray();
              float[] prediction =
                  model.forwardForPrediction(in, fused).singletonOrThrow().toFloatArray();
              String what = family + " " + act + " " + pooling + (padded ? " padded" : "")
                  + (kernels ? " oneDNN" : "");
              assertThat(evaluation).as(what).containsExactly(training);
              assertThat(TinyFixtures.maxAbsDiff(prediction, training)).as(what).isLessThan(1e-5);
              assertThat(argmaxes(prediction, 3)).as(what).containsExactly(argmaxes(training, 3));
            }
          }
        }
      }
    }
  }

  @Test
  void wrappedProjectionsAndInsertedBlocksRunInTheEvaluationForward() {
    try (SequenceClassifier model = SequenceClassifier.randomInit(
            config(Family.BERT, HiddenActivation.GELU), 2, 3, Device.cpu());
        NoGradScope ignored = NoGradScope.enter();
        NDManager m = model.manager().newSubManager();
        InferenceWeights fused = InferenceWeights.of(model)) {
      NDList in = batch(m, 0, true);
      float[] plain = model.forward(in, false).singletonOrThrow().toFloatArray();
      EncoderLayer layer = model.encoder().layer(1);
      // a wrapper that doubles the value projection, and blocks that add constants: the fused
      // copies made before must step aside for the wrapped layer
      layer.value().wrap((ctx, base, x) -> base.base(ctx, x).mul(2));
      layer.insertAfterAttention((ctx, h) -> h.add(0.25f));
      layer.insertParallelToFfn((ctx, h) -> h.mul(0f).add(0.5f));
      layer.insertAfterFfn((ctx, h) -> h.sub(0.125f));
      assertThat(fused.packed(layer)).isNull(); // the oneDNN layer steps aside too
      assertThat(fused.packed(model.encoder().layer(0))).isNotNull();
      float[] training = model.forward(in, true).singletonOrThrow().toFloatArray();
      float[] evaluation = model.forward(in, false).singletonOrThrow().toFloatArray();
      float[] prediction = model.forwardForPrediction(in, fused).singletonOrThrow().toFloatArray();
      assertThat(TinyFixtures.maxAbsDiff(training, plain)).isGreaterThan(1e-4); // they act
      assertThat(evaluation).containsExactly(training);
      assertThat(TinyFixtures.maxAbsDiff(prediction, training)).isLessThan(1e-5);
    }
  }

  @Test
  void keyValuePrefixesRunInTheEvaluationForward() {
    try (SequenceClassifier model = SequenceClassifier.randomInit(
            config(Family.ROBERTA, HiddenActivation.GELU), 2, 5, Device.cpu());
        NoGradScope ignored = NoGradScope.enter();
        NDManager m = model.manager().newSubManager();
        InferenceWeights fused = InferenceWeights.of(model)) {
      Parameter keys = model.encoder().embeddings().positionEmbeddings(); // any (P, H) table
      for (EncoderBlock layer : model.encoder().layers()) {
        layer.setKeyValuePrefix((ctx, b) -> new KeyValuePrefix.Prefix(
            ctx.temporary(ctx.value(keys).get("0:3")), ctx.temporary(ctx.value(keys).get("3:6"))));
      }
      NDList in = batch(m, 1, true);
      float[] training = model.forward(in, true).singletonOrThrow().toFloatArray();
      float[] evaluation = model.forward(in, false).singletonOrThrow().toFloatArray();
      float[] prediction = model.forwardForPrediction(in, fused).singletonOrThrow().toFloatArray();
      assertThat(evaluation).containsExactly(training);
      assertThat(TinyFixtures.maxAbsDiff(prediction, training)).isLessThan(1e-5);
    }
  }

  @Test
  void aModelFrozenForPredictionFusesItsEvaluationForwardsUntilATrainingForward() {
    try (SequenceClassifier model = SequenceClassifier.randomInit(
            config(Family.BERT, HiddenActivation.GELU), 3, Pooling.MEAN, 7, Device.cpu());
        NoGradScope ignored = NoGradScope.enter();
        NDManager m = model.manager().newSubManager()) {
      NDList in = batch(m, 0, true);
      float[] plain = model.forward(in, false).singletonOrThrow().toFloatArray();
      float[] fused;
      try (InferenceWeights w = InferenceWeights.of(model)) {
        fused = model.forwardForPrediction(in, w).singletonOrThrow().toFloatArray();
      }
      model.freezeForPrediction();
      assertThat(model.isFrozenForPrediction()).isTrue();
      assertThat(model.forward(in, false).singletonOrThrow().toFloatArray())
          .containsExactly(fused);
      model.forward(in, true); // a training forward: the weights may change, the copies go
      assertThat(model.isFrozenForPrediction()).isFalse();
      assertThat(model.forward(in, false).singletonOrThrow().toFloatArray())
          .containsExactly(plain);
    }
  }

  @Test
  void weightsFusedFromAnotherModelAreRefused() {
    try (SequenceClassifier a = SequenceClassifier.randomInit(EncoderConfig.tiny(), 2, 1,
            Device.cpu());
        SequenceClassifier b = SequenceClassifier.randomInit(EncoderConfig.tiny(), 2, 1,
            Device.cpu());
        InferenceWeights fromA = InferenceWeights.of(a);
        NDManager m = b.manager().newSubManager()) {
      NDList in = TinyFixtures.batch(m);
      assertThatThrownBy(() -> b.forwardForPrediction(in, fromA))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("another model");
    }
  }

  @Test
  void fusedCopiesLeaveTheModelsManagerAsTheyFoundIt() {
    try (SequenceClassifier model = SequenceClassifier.randomInit(EncoderConfig.tiny(), 2, 1,
        Device.cpu())) {
      NDArray weight = model.encoder().layer(0).query().weight().getArray();
      float[] before = weight.toFloatArray();
      try (InferenceWeights fused = InferenceWeights.of(model)) {
        assertThat(fused.qkvWeight(model.encoder().layer(0)).getShape().getShape())
            .containsExactly(3L * 32, 32);
      }
      assertThat(weight.toFloatArray()).containsExactly(before); // the scale went into a copy
    }
  }

  static int[] argmaxes(float[] logits, int width) {
    int[] out = new int[logits.length / width];
    for (int r = 0; r < out.length; r++) {
      int best = 0;
      for (int c = 1; c < width; c++) {
        best = logits[r * width + c] > logits[r * width + best] ? c : best;
      }
      out[r] = best;
    }
    return out;
  }
}
