package dev.finetune.peft;

import static dev.finetune.core.train.TinySetup.logits;
import static dev.finetune.core.train.TinySetup.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.EncoderLayer;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import dev.finetune.schedules.ParameterRole;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prefix tuning on the tiny encoder (H=32, 4 heads, FFN=64). */
class PrefixTuningTest {

  private static final long HEAD = 32 * 32 + 32 + 2 * 32 + 2;

  @TempDir Path dir;

  private static float[] floats(SequenceClassifier model, String name) {
    return model.parameters().get(name).parameter().getArray().toFloatArray();
  }

  /**
   * Layer 0's attention context (the input of attention.output.dense) equals softmax over the
   * prefix and the unpadded tokens, computed here by hand from the layer input.
   */
  @Test
  void attentionContextMatchesHandComputation() {
    EncoderConfig oneLayer = EncoderConfig.builder().vocabSize(TinySetup.config(0f).vocabSize())
        .hiddenSize(32).numLayers(1).numHeads(4).intermediateSize(64).maxPositionEmbeddings(64)
        .hiddenDropout(0f).attentionDropout(0f).build();
    int n = 3;
    int h = 32;
    int heads = 4;
    int d = 8;
    try (SequenceClassifier model = SequenceClassifier.randomInit(oneLayer, 2, 3, Device.cpu())) {
      Peft.prefixTuning(n).initStd(0.5).apply(model);
      EncoderLayer layer = model.encoder().layer(0);
      float[][] captured = new float[2][];
      layer.query().wrap((ctx, base, x) -> {
        captured[0] = x.toFloatArray();
        return base.base(ctx, x);
      });
      layer.attentionOutput().wrap((ctx, base, x) -> {
        captured[1] = x.toFloatArray();
        return base.base(ctx, x);
      });
      long[][] mask = {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 1, 0, 0}};
      try (NDManager m = model.manager().newSubManager()) {
        model.forward(TinySetup.batch(m), false);
      }
      float[] x = captured[0];
      float[] prefix = floats(model, PrefixTuning.EMBEDDING); // (n, 2H): keys then values
      int t = 6;
      float[] q = linear(x, 2 * t, floats(model, "encoder.layer.0.attention.self.query.weight"),
          floats(model, "encoder.layer.0.attention.self.query.bias"), h);
      float[] k = linear(x, 2 * t, floats(model, "encoder.layer.0.attention.self.key.weight"),
          floats(model, "encoder.layer.0.attention.self.key.bias"), h);
      float[] v = linear(x, 2 * t, floats(model, "encoder.layer.0.attention.self.value.weight"),
          floats(model, "encoder.layer.0.attention.self.value.bias"), h);
      double maxDiff = 0;
      double prefixEffect = 0;
      for (int b = 0; b < 2; b++) {
        for (int head = 0; head < heads; head++) {
          for (int i = 0; i < t; i++) {
            double[] withPrefix = new double[d];
            double[] without = new double[d];
            attend(q, k, v, prefix, mask[b], b, head, i, t, n, h, d, true, withPrefix);
            attend(q, k, v, prefix, mask[b], b, head, i, t, n, h, d, false, without);
            for (int j = 0; j < d; j++) {
              double got = captured[1][(b * t + i) * h + head * d + j];
              maxDiff = Math.max(maxDiff, Math.abs(got - withPrefix[j]));
              prefixEffect = Math.max(prefixEffect, Math.abs(without[j] - withPrefix[j]));
            }
          }
        }
      }
      assertThat(maxDiff).isLessThan(1e-5);
      assertThat(prefixEffect).isGreaterThan(1e-2);
    }
  }

  private static float[] linear(float[] x, int rows, float[] w, float[] bias, int h) {
    float[] out = new float[rows * h];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < h; o++) {
        double s = bias[o];
        for (int i = 0; i < h; i++) {
          s += x[r * h + i] * w[o * h + i];
        }
        out[r * h + o] = (float) s;
      }
    }
    return out;
  }

  /** softmax(q·[Kp; K]ᵀ/√d + mask)·[Vp; V] for one query and head. */
  private static void attend(float[] q, float[] k, float[] v, float[] prefix, long[] mask, int b,
      int head, int i, int t, int n, int h, int d, boolean usePrefix, double[] out) {
    int keys = (usePrefix ? n : 0) + t;
    double[] score = new double[keys];
    double max = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < keys; s++) {
      boolean isPrefix = usePrefix && s < n;
      int pos = usePrefix ? s - n : s;
      if (!isPrefix && mask[pos] == 0) {
        score[s] = Double.NEGATIVE_INFINITY;
        continue;
      }
      double dot = 0;
      for (int j = 0; j < d; j++) {
        double key = isPrefix ? prefix[s * 2 * h + head * d + j] : k[(b * t + pos) * h + head * d + j];
        dot += q[(b * t + i) * h + head * d + j] * key;
      }
      score[s] = dot / Math.sqrt(d);
      max = Math.max(max, score[s]);
    }
    double z = 0;
    for (int s = 0; s < keys; s++) {
      score[s] = Math.exp(score[s] - max);
      z += score[s];
    }
    for (int s = 0; s < keys; s++) {
      boolean isPrefix = usePrefix && s < n;
      int pos = usePrefix ? s - n : s;
      for (int j = 0; j < d; j++) {
        double value =
            isPrefix ? prefix[s * 2 * h + h + head * d + j] : v[(b * t + pos) * h + head * d + j];
        out[j] += score[s] / z * value;
      }
    }
  }

  @Test
  void paddedRowGivesTheUnpaddedRowsOutput() {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      float[] base = logits(model);
      Peft.prefixTuning(4).projection(16).apply(model);
      float[] padded = logits(model);
      assertThat(padded).isNotEqualTo(base);
      try (NDManager m = model.manager().newSubManager()) {
        NDList alone = new NDList(m.create(new long[][] {{2, 6, 8, 3}}),
            m.create(new long[][] {{1, 1, 1, 1}}), m.create(new long[1][4]));
        float[] single = model.forward(alone, false).singletonOrThrow().toFloatArray();
        assertThat(single[0]).isCloseTo(padded[2], within(1e-5f));
        assertThat(single[1]).isCloseTo(padded[3], within(1e-5f));
      }
    }
  }

  @Test
  void onlyPrefixAndHeadTrainAndTheBaseStaysBitIdentical() {
    HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir);
    try (tokenizer) {
      for (PrefixTuning method :
          new PrefixTuning[] {Peft.prefixTuning(3), Peft.prefixTuning(3).projection(16)}) {
        try (SequenceClassifier model = TinySetup.model(0.1f, 7)) {
          Map<String, float[]> before = snapshot(model);
          FineTune.of(model).tokenizer(tokenizer).peft(method).learningRate(1e-2).epochs(1)
              .batchSize(16).progressBar(false).fit(TinySetup.toyTask("toy", 32, 3), null);
          Map<String, float[]> after = snapshot(model);
          for (ModelParameter p : model.parameters().all()) {
            String name = p.hfName();
            boolean trains = p.address().role() == ParameterRole.PEFT || p.address().isHead();
            assertThat(p.isTrainable()).as(name).isEqualTo(trains);
            if (before.containsKey(name)) {
              if (trains) {
                assertThat(after.get(name)).as(name).isNotEqualTo(before.get(name));
              } else {
                assertThat(after.get(name)).as(name).isEqualTo(before.get(name));
              }
            }
          }
          assertThat(after.get(PrefixTuning.EMBEDDING)).as(method.describe()).isNotNull();
          int added = method.projectionWidth() == 0 ? 1 : 5;
          assertThat(after).hasSize(before.size() + added);
        }
      }
    }
  }

  /** Real tokens take positions n..n+T-1, as Hugging Face BERT after past_key_values of length n. */
  @Test
  void positionsStartAfterThePrefix() {
    float[] shifted;
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.prefixTuning(3).apply(model);
      assertThat(model.encoder().positionShift()).isEqualTo(3);
      shifted = logits(model);
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.prefixTuning(3).apply(model);
      model.encoder().setPositionShift(0);
      float[] unshifted = logits(model);
      assertThat(unshifted).isNotEqualTo(shifted);
      var table = model.encoder().embeddings().positionEmbeddings().getArray();
      float[] rows = table.toFloatArray();
      float[] moved = new float[rows.length];
      System.arraycopy(rows, 3 * 32, moved, 0, rows.length - 3 * 32);
      table.set(moved);
      assertThat(logits(model)).containsExactly(shifted);
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      assertThatThrownBy(() -> Peft.prefixTuning(63).apply(model))
          .hasMessageContaining("63 prefix tokens leave no room in 64 positions");
    }
  }

  @Test
  void countsShapesAndErrors() {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.prefixTuning(3).trainHead(false).apply(model);
      assertThat(model.parameters().countTrainable()).isEqualTo(3 * 2 * 2 * 32);
      assertThatThrownBy(() -> Peft.prefixTuning(2).apply(model))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already has a key/value prefix");
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.prefixTuning(3).projection(16).apply(model);
      assertThat(model.parameters().get(PrefixTuning.TRANSFORM + "2.weight").parameter().getShape()
          .getShape()).containsExactly(2 * 2 * 32, 16);
      assertThat(model.parameters().countTrainable())
          .isEqualTo(3 * 32 + (32 * 16 + 16) + (16 * 128 + 128) + HEAD);
      assertThat(PrefixTuning.table(model).shape()).containsExactly(3, 128);
    }
    assertThatThrownBy(() -> Peft.prefixTuning(0)).hasMessageContaining("at least 1 virtual token");
    assertThatThrownBy(() -> Peft.prefixTuning(4).projection(0))
        .hasMessageContaining("projection width must be >= 1");
  }
}
