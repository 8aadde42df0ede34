package dev.finetune.peft;

import dev.finetune.core.train.TinySetup;
import static dev.finetune.core.train.TinySetup.logits;
import static dev.finetune.core.train.TinySetup.maxAbsDiff;
import static dev.finetune.core.train.TinySetup.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.model.HiddenActivation;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.schedules.ParameterRole;
import dev.finetune.schedules.ParameterSelector;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BitFit, selective presets, bottleneck adapters and IA3 on the tiny encoder (H=32, L=2, FFN=64). */
class FrozenBaseMethodsTest {

  @TempDir static Path dir;
  static HuggingFaceTokenizer tokenizer;

  @BeforeAll
  static void open() {
    tokenizer = TinySetup.tokenizer(dir);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static final long HEAD = 32 * 32 + 32 + 2 * 32 + 2;

  /** Trains one short epoch; parameters the predicate marks trainable move, the others stay bit-identical. */
  private static void fitAndCheck(ModelTransform method, Predicate<ModelParameter> trains) {
    try (SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      Map<String, float[]> before = snapshot(model);
      FineTune.of(model).tokenizer(tokenizer).peft(method).learningRate(1e-2).epochs(1)
          .batchSize(16).progressBar(false).fit(TinySetup.toyTask("toy", 32, 3), null);
      Map<String, float[]> after = snapshot(model);
      for (ModelParameter p : model.parameters().all()) {
        String n = p.hfName();
        assertThat(p.isTrainable()).as(n).isEqualTo(trains.test(p));
        if (!before.containsKey(n)) {
          continue; // added by the method
        }
        if (trains.test(p)) {
          assertThat(after.get(n)).as(n).isNotEqualTo(before.get(n));
        } else {
          assertThat(after.get(n)).as(n).isEqualTo(before.get(n));
        }
      }
    }
  }

  @Test
  void bitFitTrainsBiasesAndHeadOnly() {
    fitAndCheck(Peft.bitFit(), p -> p.address().isBias() || p.address().isHead());
    try (SequenceClassifier model = TinySetup.model(0f, 1)) {
      Peft.bitFit().apply(model);
      // per layer: q,k,v,attn-out 4*32 + attn LN 32 + intermediate 64 + output 32 + LN 32; embeddings LN 32
      assertThat(model.parameters().countTrainable()).isEqualTo(2 * (128 + 32 + 64 + 32 + 32) + 32 + HEAD);
    }
    try (SequenceClassifier model = TinySetup.model(0f, 1)) {
      Peft.bitFit().only(ParameterSelector.modules("query", "intermediate.dense")).trainHead(false)
          .apply(model);
      assertThat(model.parameters().countTrainable()).isEqualTo(2 * (32 + 64));
      assertThatThrownBy(() -> Peft.bitFit().only(ParameterSelector.modules("nothing")).apply(model))
          .hasMessageContaining("matches no bias");
    }
  }

  @Test
  void selectivePresets() {
    fitAndCheck(Selective.topLayers(1), p -> p.address().layer() >= 1);
    try (SequenceClassifier model = TinySetup.model(0f, 1)) {
      Selective.embeddingsOnly().apply(model);
      long expected = model.parameters().select(a -> a.isEmbeddings()).stream()
          .mapToLong(ModelParameter::size).sum() + HEAD;
      assertThat(model.parameters().countTrainable()).isEqualTo(expected);
      Selective.headOnly().apply(model);
      assertThat(model.parameters().countTrainable()).isEqualTo(HEAD);
      Selective.encoderOnly().trainHead(false).apply(model);
      // per layer: 4*(32*32+32) + 2*64 LN + (32*64+64) + (64*32+32)
      assertThat(model.parameters().countTrainable()).isEqualTo(2 * (4 * 1056 + 128 + 2112 + 2080));
      assertThatThrownBy(() -> Selective.topLayers(3).apply(model))
          .hasMessageContaining("only 2 layers");
    }
  }

  @Test
  void adaptersAreIdentityAtInitAndTrainAlone() {
    for (Adapters method :
        new Adapters[] {Adapters.houlsby().size(4), Adapters.pfeiffer().reduction(8),
            Adapters.parallel().size(4).activation(HiddenActivation.GELU)}) {
      try (SequenceClassifier model = TinySetup.model(0f, 5)) {
        float[] base = logits(model);
        method.apply(model);
        assertThat(logits(model)).as(method.describe()).containsExactly(base);
      }
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      float[] base = logits(model);
      Adapters.houlsby().size(4).nearIdentity().apply(model);
      double diff = maxAbsDiff(base, logits(model));
      assertThat(diff).isGreaterThan(0).isLessThan(1e-2);
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Adapters.houlsby().size(4).apply(model);
      assertThat(model.parameters().find("encoder.layer.1.attention.output.adapter.down.weight"))
          .isPresent();
      // 2 layers x 2 adapters x (4*32 + 4 + 32*4 + 32)
      assertThat(model.parameters().countTrainable()).isEqualTo(2 * 2 * 292 + HEAD);
    }
    fitAndCheck(Adapters.houlsby().size(4),
        p -> p.address().role() == ParameterRole.PEFT || p.address().isHead());
    fitAndCheck(Adapters.pfeiffer().size(4).trainLayerNorms(true),
        p -> p.address().role() == ParameterRole.PEFT || p.address().isHead()
            || (p.address().isEncoderLayer() && p.address().role() == ParameterRole.LAYER_NORM));
  }

  @Test
  void ia3IsIdentityAtInitAndTrainsAlone() {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      float[] base = logits(model);
      Peft.ia3().apply(model);
      assertThat(logits(model)).containsExactly(base);
      assertThat(model.parameters().get("encoder.layer.0.attention.self.key.ia3_l").parameter()
          .getShape().getShape()).containsExactly(32, 1);
      assertThat(model.parameters().get("encoder.layer.0.output.dense.ia3_l").parameter()
          .getShape().getShape()).containsExactly(1, 64);
      assertThat(model.parameters().countTrainable()).isEqualTo(2 * (32 + 32 + 64) + HEAD);
    }
    fitAndCheck(Peft.ia3(), p -> p.address().role() == ParameterRole.PEFT || p.address().isHead());
  }

  @Test
  void combinationsAddUpAndConflictsFailClearly() {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.bitFit().trainHead(false).apply(model);
      Peft.lora().r(2).trainHead(false).apply(model);
      long biases = 2 * (128 + 32 + 64 + 32 + 32) + 32;
      assertThat(model.parameters().countTrainable()).isEqualTo(biases + 2 * 2 * (2 * 32 * 2));
      assertThatThrownBy(() -> Peft.ia3().apply(model))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot add IA3 to encoder.layer.0.attention.self.value")
          .hasMessageContaining("LoraWrapper");
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.ia3().apply(model);
      assertThatThrownBy(() -> Peft.lora().apply(model))
          .hasMessageContaining("cannot add LoRA to encoder.layer.0.attention.self.value");
      org.assertj.core.api.Assertions.assertThatCode(() -> Adapters.houlsby().size(2).apply(model))
          .doesNotThrowAnyException();
    }
  }
}
