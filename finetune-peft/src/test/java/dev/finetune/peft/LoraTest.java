package dev.finetune.peft;

import dev.finetune.core.train.TinySetup;
import static dev.finetune.core.train.TinySetup.logits;
import static dev.finetune.core.train.TinySetup.maxAbsDiff;
import static dev.finetune.core.train.TinySetup.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.FineTune;
import dev.finetune.schedules.ParameterRole;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraTest {

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

  @Test
  void identityAtInitAndPeftNamesAndShapes() {
    try (SequenceClassifier model = TinySetup.model(0f, 3)) {
      float[] before = logits(model);
      LoraLayers layers = Peft.lora().r(4).alpha(8).inject(model);
      assertThat(logits(model)).containsExactly(before);
      assertThat(layers.size()).isEqualTo(4);
      assertThat(layers.modules()).containsExactly(
          "encoder.layer.0.attention.self.query", "encoder.layer.0.attention.self.value",
          "encoder.layer.1.attention.self.query", "encoder.layer.1.attention.self.value");
      ModelParameter a = model.parameters().get("encoder.layer.0.attention.self.query.lora_A.weight");
      ModelParameter b = model.parameters().get("encoder.layer.0.attention.self.query.lora_B.weight");
      assertThat(a.parameter().getShape().getShape()).containsExactly(4, 32);
      assertThat(b.parameter().getShape().getShape()).containsExactly(32, 4);
      assertThat(a.address().role()).isEqualTo(ParameterRole.PEFT);
      assertThat(a.address().layer()).isZero();
      // A ~ U(-1/sqrt(in), 1/sqrt(in)) as kaiming_uniform_(a=sqrt(5)); B = 0
      float[] av = a.parameter().getArray().toFloatArray();
      double bound = 1 / Math.sqrt(32);
      double max = java.util.stream.IntStream.range(0, av.length)
          .mapToDouble(i -> Math.abs(av[i])).max().getAsDouble();
      assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.8 * bound);
      assertThat(b.parameter().getArray().toFloatArray()).containsOnly(0f);
    }
  }

  @Test
  void onlyLoraAndHeadTrain() {
    try (SequenceClassifier model = TinySetup.model(0f, 3)) {
      Peft.lora().r(4).apply(model);
      for (ModelParameter p : model.parameters().all()) {
        boolean expected = p.hfName().contains(".lora_") || p.address().isHead();
        assertThat(p.isTrainable()).as(p.hfName()).isEqualTo(expected);
      }
      // 2 layers x 2 targets x (4*32 + 32*4) + pooler (32*32+32) + classifier (2*32+2)
      assertThat(model.parameters().countTrainable()).isEqualTo(2 * 2 * 256 + 1056 + 66);
    }
    try (SequenceClassifier model = TinySetup.model(0f, 3)) {
      Peft.lora().r(4).trainHead(false).apply(model);
      assertThat(model.parameters().countTrainable()).isEqualTo(2 * 2 * 256);
    }
  }

  @Test
  void scalingAndGaussianInit() {
    assertThat(Peft.lora().r(16).alpha(32).scaling()).isEqualTo(2.0);
    assertThat(Peft.lora().r(16).alpha(32).rsLora(true).scaling()).isEqualTo(8.0);
    try (SequenceClassifier model = TinySetup.model(0f, 3)) {
      Peft.lora().r(4).init(Lora.Init.GAUSSIAN).targets("key").apply(model);
      float[] a = model.parameters().get("encoder.layer.1.attention.self.key.lora_A.weight")
          .parameter().getArray().toFloatArray();
      double var = 0;
      for (float v : a) {
        var += v * v;
      }
      assertThat(Math.sqrt(var / a.length)).isCloseTo(0.25, within(0.05));
    }
  }

  @Test
  void trainingMovesOnlyLoraAndHeadAndBaseStaysBitIdentical() {
    var train = TinySetup.toyTask("toy", 64, 3);
    try (SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      Map<String, float[]> before = snapshot(model);
      FineTune.of(model).tokenizer(tokenizer).peft(Peft.lora().r(4).alpha(8).dropout(0.1))
          .learningRate(1e-2).epochs(1).batchSize(16).progressBar(false).fit(train, null);
      Map<String, float[]> after = snapshot(model);
      for (ModelParameter p : model.parameters().all()) {
        String n = p.hfName();
        if (n.contains(".lora_B") || p.address().isHead()) {
          assertThat(after.get(n)).as(n).isNotEqualTo(before.get(n));
        } else if (!n.contains(".lora_")) {
          assertThat(after.get(n)).as(n).isEqualTo(before.get(n));
          assertThat(p.parameter().getArray().hasGradient()).as(n).isFalse();
        }
      }
    }
  }

  @Test
  void mergeAndUnmergeKeepOutputs() {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      float[] base = logits(model);
      LoraLayers lora = Peft.lora().r(4).alpha(16).targets("query", "value", "dense").inject(model);
      // give B non-zero values so the branch matters
      for (ModelParameter p : model.parameters().all()) {
        if (p.hfName().contains("lora_B")) {
          p.parameter().getArray().addi(0.05f);
        }
      }
      float[] w0 = model.encoder().layer(0).query().weight().getArray().toFloatArray();
      float[] adapted = logits(model);
      assertThat(maxAbsDiff(base, adapted)).isGreaterThan(1e-3);
      lora.merge();
      assertThat(maxAbsDiff(w0, model.encoder().layer(0).query().weight().getArray().toFloatArray()))
          .isGreaterThan(1e-3);
      assertThat(maxAbsDiff(adapted, logits(model))).isLessThan(1e-5);
      lora.unmerge();
      assertThat(maxAbsDiff(adapted, logits(model))).isLessThan(1e-5);
      assertThat(maxAbsDiff(w0, model.encoder().layer(0).query().weight().getArray().toFloatArray()))
          .isLessThan(1e-6);
    }
  }

  @Test
  void namedAdaptersSwitchAndDuplicatesFail() {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      float[] base = logits(model);
      Peft.lora().r(2).apply(model);
      assertThatThrownBy(() -> Peft.lora().r(4).apply(model))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already");
      Peft.lora().r(2).name("second").seed(9).apply(model);
      assertThat(model.parameters().find("encoder.layer.0.attention.self.query.lora_A.second.weight"))
          .isPresent();
      LoraLayers lora = LoraLayers.of(model);
      assertThat(lora.adapterNames()).containsExactly("default", "second");
      model.parameters().all().stream().filter(p -> p.hfName().contains("lora_B.second"))
          .forEach(p -> p.parameter().getArray().addi(0.5f));
      float[] both = logits(model);
      assertThat(maxAbsDiff(base, both)).isGreaterThan(1e-4);
      lora.activate("default");
      assertThat(logits(model)).containsExactly(base);
      lora.activate("second");
      assertThat(maxAbsDiff(both, logits(model))).isLessThan(1e-6);
      assertThatThrownBy(() -> lora.activate("nope")).hasMessageContaining("no LoRA adapter named 'nope'");
    }
  }

  @Test
  void badConfigurationFailsClearly() {
    assertThatThrownBy(() -> Peft.lora().r(0)).hasMessageContaining("r must be >= 1, got 0");
    assertThatThrownBy(() -> Peft.lora().dropout(1.5)).hasMessageContaining("dropout");
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      assertThatThrownBy(() -> Peft.lora().targets("qkv").apply(model))
          .hasMessageContaining("match no projection")
          .hasMessageContaining("encoder.layer.0.attention.self.query");
    }
  }
}
