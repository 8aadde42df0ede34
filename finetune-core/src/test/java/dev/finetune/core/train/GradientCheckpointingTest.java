package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.ParityFixtures;
import dev.finetune.core.model.Precision;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.model.TrainingPass;
import dev.finetune.core.params.ModelParameter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gradient checkpointing (the {@code gradientCheckpointing} setting): a pass that recomputes its
 * layers in the backward leaves the gradients of the plain pass, dropout on.
 */
public class GradientCheckpointingTest {

  /**
   * The gradients of every trainable parameter after one training pass over {@link
   * TinySetup#batch}, the engine seeded with {@code seed} (so both passes draw the same masks);
   * the gradients are zeroed again after reading.
   *
   * @param model the model
   * @param checkpointLayers whether the pass recomputes its layers
   * @param seed the engine's seed
   * @return gradients by parameter name
   */
  public static Map<String, float[]> gradients(SequenceClassifier model, boolean checkpointLayers, int seed) {
    return gradients(model, checkpointLayers, seed, Precision.FP32);
  }

  /**
   * As {@link #gradients(SequenceClassifier, boolean, int)}, the matrix products in {@code precision}.
   *
   * @param model the model
   * @param checkpointLayers whether the pass recomputes its layers
   * @param seed the engine's seed
   * @param precision the precision of the matrix products
   * @return gradients by parameter name
   */
  public static Map<String, float[]> gradients(SequenceClassifier model, boolean checkpointLayers,
      int seed, Precision precision) {
    Map<String, float[]> out = new LinkedHashMap<>();
    Engine.getInstance().setRandomSeed(seed);
    try (NDManager m = model.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDList inputs = TinySetup.batch(m);
      TrainingPass pass =
          model.trainingPass(new ParameterStore(m, false), inputs, checkpointLayers, precision);
      assertThat(pass.checkpointsLayers()).isEqualTo(checkpointLayers);
      NDArray labels = m.create(new long[] {0, 1});
      pass.backward(collector, Losses.forProblem(model.problemType()).compute(pass.logits(), labels));
      assertThatThrownBy(() -> pass.backward(collector, pass.logits().sum()))
          .hasMessageContaining("runs once");
    }
    for (ModelParameter p : model.parameters().trainable()) {
      NDArray array = p.parameter().getArray();
      try (NDArray gradient = array.getGradient()) {
        out.put(p.hfName(), gradient.toFloatArray());
      }
      JniUtils.zeroGrad((PtNDArray) array);
    }
    return out;
  }

  /**
   * Asserts that two gradient maps hold the same parameters, equal within {@code tolerance}, and
   * that they are not all zero (a pass that reached nothing would match too).
   *
   * @param plain the plain pass's gradients
   * @param recomputed the checkpointed pass's gradients
   * @param tolerance the largest allowed difference
   */
  public static void assertSameGradients(Map<String, float[]> plain, Map<String, float[]> recomputed,
      double tolerance) {
    assertThat(recomputed.keySet()).containsExactlyElementsOf(plain.keySet());
    double largest = 0;
    for (Map.Entry<String, float[]> e : plain.entrySet()) {
      assertThat(TinySetup.maxAbsDiff(e.getValue(), recomputed.get(e.getKey())))
          .as(e.getKey()).isLessThanOrEqualTo(tolerance);
      for (float v : e.getValue()) {
        largest = Math.max(largest, Math.abs(v));
      }
    }
    assertThat(largest).as("largest gradient").isGreaterThan(1e-4);
  }

  @Test
  void recomputedLayersGiveThePlainGradientsWithDropoutOn() {
    try (SequenceClassifier model = TinySetup.model(0.2f, 11)) {
      Map<String, float[]> plain = gradients(model, false, 5);
      Map<String, float[]> recomputed = gradients(model, true, 5);
      assertSameGradients(plain, recomputed, 1e-6);
      assertThat(plain.keySet()).contains("embeddings.word_embeddings.weight",
          "encoder.layer.0.attention.self.query.weight");
      // the masks matter: another seed draws others, and other gradients
      assertThat(TinySetup.maxAbsDiff(plain.get("encoder.layer.0.attention.self.query.weight"),
          gradients(model, true, 6).get("encoder.layer.0.attention.self.query.weight")))
          .isGreaterThan(1e-6);
    }
  }

  /**
   * Every family's layers recompute to the plain gradients: ALBERT's one shared layer once per
   * application (its gradients add up), ModernBERT's own blocks with its final norm after them,
   * ELECTRA's projected embeddings, DistilBERT's layout.
   */
  @ParameterizedTest
  @ValueSource(strings = {"albert", "modernbert", "electra", "distilbert"})
  void everyFamilyRecomputesToThePlainGradients(String family, @TempDir Path dir) {
    Path folder = ParityFixtures.copy(family, dir);
    try (SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      Map<String, float[]> plain = gradients(model, false, 5);
      assertSameGradients(plain, gradients(model, true, 5), 1e-6);
    }
  }

  /** Recomputed layers run in the pass's precision too: bf16 and fp16 recompute to their plain pass. */
  @ParameterizedTest
  @ValueSource(strings = {"BF16", "FP16"})
  void halfPrecisionPassesRecomputeToTheirPlainGradients(String precision) {
    try (SequenceClassifier model = TinySetup.model(0.2f, 11)) {
      Precision p = Precision.valueOf(precision);
      Map<String, float[]> plain = gradients(model, false, 5, p);
      assertSameGradients(plain, gradients(model, true, 5, p), 1e-6);
      // and they are half-precision gradients, not the float32 ones
      Map<String, float[]> fp32 = gradients(model, false, 5);
      double largest = 0;
      for (Map.Entry<String, float[]> e : plain.entrySet()) {
        largest = Math.max(largest, TinySetup.maxAbsDiff(e.getValue(), fp32.get(e.getKey())));
      }
      assertThat(largest).as("largest difference to the float32 gradients").isGreaterThan(1e-6);
    }
  }

  /** DeBERTa's relative-position terms are shared by every layer: refused, naming the setting. */
  @Test
  void disentangledAttentionIsRefusedByName(@TempDir Path dir) {
    Path folder = ParityFixtures.copy("deberta-v2", dir);
    try (SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      assertThatThrownBy(() -> gradients(model, true, 5))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("gradientCheckpointing")
          .hasMessageContaining("deberta-v2");
    }
  }

  @Test
  void theSettingTrainsToTheSameWeights(@TempDir Path dir) {
    HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir);
    try (tokenizer; SequenceClassifier plain = TinySetup.model(0.1f, 3);
        SequenceClassifier recomputed = TinySetup.model(0.1f, 3)) {
      FineTune.of(plain).tokenizer(tokenizer).learningRate(1e-2).epochs(1)
          .batchSize(8).progressBar(false).fit(TinySetup.toyTask("toy", 24, 1), null);
      TrainingReport b = FineTune.of(recomputed).tokenizer(tokenizer).learningRate(1e-2).epochs(1)
          .batchSize(8).progressBar(false).set("gradient_checkpointing", true)
          .fit(TinySetup.toyTask("toy", 24, 1), null);
      assertThat(b.settings()).containsEntry("gradient_checkpointing", "true");
      Map<String, float[]> before = TinySetup.snapshot(plain);
      Map<String, float[]> after = TinySetup.snapshot(recomputed);
      for (String name : before.keySet()) {
        assertThat(TinySetup.maxAbsDiff(before.get(name), after.get(name))).as(name)
            .isLessThanOrEqualTo(1e-5);
      }
    }
  }
}
