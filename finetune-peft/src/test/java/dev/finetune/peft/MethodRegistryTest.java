package dev.finetune.peft;

import static dev.finetune.core.train.TinySetup.logits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.method.MethodType;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.TinySetup;
import dev.finetune.schedules.ParameterRole;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library's methods are registry entries: one name each, spec text, recorded application. */
class MethodRegistryTest {

  @TempDir Path dir;

  @Test
  void everyMethodHasOneNameAndItsPeftType() {
    assertThat(FineTuningMethods.names()).containsExactly("full", "lora", "ia3", "prompt",
        "prefix", "houlsby", "pfeiffer", "parallel", "bitfit", "head", "embeddings", "encoder",
        "top_layers");
    assertThat(FineTuningMethods.adapterTypes()).containsExactly("LORA", "IA3", "PROMPT_TUNING",
        "PREFIX_TUNING", "BOTTLENECK", "BITFIT");
    assertThat(FineTuningMethods.forAdapterType("BOTTLENECK").map(MethodType::name))
        .contains("houlsby");
    assertThat(FineTuningMethods.help("  ")).contains("parallel(16)", "top_layers(K)", "prefix(20)");
    for (MethodType t : FineTuningMethods.all()) {
      String spec = t.usage().replace("(K)", "(1)");
      FineTuningMethod m = FineTuningMethods.parse(spec);
      assertThat(m.kind()).as(spec).isEqualTo(t.name());
    }
  }

  @Test
  void specTextTakesPositionalAndNamedArguments() {
    Lora a = (Lora) FineTuningMethods.parse("lora(16)");
    assertThat(a.r()).isEqualTo(16);
    assertThat(a.alpha()).isEqualTo(8);
    Lora b = (Lora) FineTuningMethods.parse("lora(r=4, alpha=32, targets=query|key|value)");
    assertThat(b.r()).isEqualTo(4);
    assertThat(b.alpha()).isEqualTo(32);
    assertThat(b.targets()).containsExactly("query", "key", "value");
    assertThat(FineTuningMethods.parse("houlsby(8)").describe()).isEqualTo("houlsby-adapter(reduction=8, relu)");
    assertThat(FineTuningMethods.parse("pfeiffer(size=4)").describe()).isEqualTo("pfeiffer-adapter(size=4, relu)");
    assertThat(FineTuningMethods.parse("prompt(3)").describe()).isEqualTo("prompt-tuning(3, random)");
    assertThat(FineTuningMethods.parse("prefix(tokens=3, projection=8)").describe())
        .isEqualTo("prefix-tuning(3, projection=8)");
    assertThat(FineTuningMethods.parse("top_layers(2)").describe()).isEqualTo("top-2-layers");
    assertThat(FineTuningMethods.parse("full")).isSameAs(FineTuningMethods.full());

    assertThatThrownBy(() -> FineTuningMethods.parse("magic"))
        .hasMessage("method 'magic' is unknown; use one of [full, lora(8), ia3, prompt(20),"
            + " prefix(20), houlsby(16), pfeiffer(16), parallel(16), bitfit, head, embeddings,"
            + " encoder, top_layers(K)]");
    assertThatThrownBy(() -> FineTuningMethods.parse("lora(rank=4)"))
        .hasMessageContaining("lora has no argument 'rank'; use [r, alpha, dropout, targets]");
    assertThatThrownBy(() -> FineTuningMethods.parse("lora(4, r=8)")).hasMessageContaining("gives r twice");
    assertThatThrownBy(() -> FineTuningMethods.parse("top_layers")).hasMessageContaining("needs the number of layers");
    assertThatThrownBy(() -> FineTuningMethods.parse("bitfit(2)")).hasMessageContaining("bitfit takes none");
    assertThatThrownBy(() -> FineTuningMethods.parse("lora(r=x)")).hasMessageContaining("argument r 'x' is not a number");
  }

  @Test
  void theModelRecordsWhatWasAppliedAndSavesExactlyThat() {
    float[] adapted;
    Path d = dir.resolve("ia3");
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      FineTuningMethod ia3 = FineTuningMethods.parse("ia3");
      model.apply(ia3);
      assertThat(model.appliedMethods()).containsExactly(ia3);
      for (ModelParameter p : model.parameters().all()) {
        assertThat(p.address().role() == ParameterRole.PEFT).as(p.hfName()).isEqualTo(ia3.owns(p.hfName()));
      }
      model.parameters().trainable().forEach(p -> p.parameter().getArray().addi(0.01f));
      adapted = logits(model);
      AdapterCheckpoint.save(model, d);
    }
    try (SequenceClassifier fresh = TinySetup.model(0f, 5)) {
      var loaded = AdapterCheckpoint.load(fresh, d);
      assertThat(fresh.appliedMethods()).containsExactly(loaded);
      assertThat(logits(fresh)).containsExactly(adapted);
    }
  }

  @Test
  void savingWhatWasAppliedNamesTheChoiceWhenItIsAmbiguous() {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.lora().name("a").apply(model);
      Peft.lora().name("b").apply(model);
      assertThatThrownBy(() -> AdapterCheckpoint.save(model, dir))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("several methods were applied")
          .hasMessageContaining("AdapterCheckpoint.save(model, method, dir)");
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Selective.topLayers(1).apply(model);
      assertThatThrownBy(() -> AdapterCheckpoint.save(model, dir))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("[top-1-layers] train base weights")
          .hasMessageContaining("SequenceClassifier.save");
    }
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      Peft.lora().apply(model);
      Selective.topLayers(1).apply(model);
      assertThatThrownBy(() -> AdapterCheckpoint.save(model, dir))
          .hasMessageContaining("beside [top-1-layers]");
    }
  }

  @Test
  void loraDefaultsToTheTargetsOfTheModelsFamily() {
    try (SequenceClassifier bert = TinySetup.model(0f, 1);
        SequenceClassifier mini = dev.finetune.core.model.SequenceClassifier.randomInit(
            TinySetup.config(0f).toBuilder()
                .modelType(dev.finetune.core.model.ModelType.fromHf("minibert")).build(),
            2, 1, ai.djl.Device.cpu())) {
      Peft.lora().apply(bert);
      Peft.lora().apply(mini);
      // BERT's PEFT defaults are query and value; the test family "minibert" declares query, key, value
      assertThat(bert.parameters().find("encoder.layer.0.attention.self.key.lora_A.weight")).isEmpty();
      assertThat(bert.parameters().find("encoder.layer.0.attention.self.value.lora_A.weight")).isPresent();
      assertThat(mini.parameters().find("encoder.layer.0.attention.self.key.lora_A.weight")).isPresent();
      assertThat(Peft.lora().targets(mini)).containsExactly("query", "key", "value");
      assertThat(Peft.lora().targets("query").targets(mini)).containsExactly("query");
    }
  }
}
