package dev.finetune.peft;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.ParityFixtures;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import dev.finetune.schedules.Schedules;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fine-tuning method of the registry on every family's parity fixture (RoBERTa, XLM-RoBERTa,
 * CamemBERT, DistilBERT, ModernBERT; core's {@code FamilyParityTest} and {@code ModernBertTest}
 * check the fixtures against the reference forwards): one training step moves what the method trains and leaves every frozen
 * parameter bit-identical, and the saved result (adapter folder or whole model) reloads to the
 * same logits.
 */
class FamilyMethodsTest {

  @TempDir Path dir;

  /** ModernBERT as published has no bias at all (attention_bias, mlp_bias, norm_bias false). */
  private static final String NO_BIASES = "modernbert";

  static Stream<Arguments> familiesAndMethods() {
    return ParityFixtures.FAMILIES.stream().flatMap(family -> Stream.of("full", "lora", "ia3",
            "prompt(2)", "prefix(2)", "houlsby(size=4)", "pfeiffer(size=4)", "parallel(size=4)",
            "bitfit", "head", "embeddings", "encoder", "top_layers(1)")
        .filter(spec -> !(family.equals(NO_BIASES) && spec.equals("bitfit")))
        .map(spec -> Arguments.of(family, spec)));
  }

  @org.junit.jupiter.api.Test
  void bitFitOnAModelWithoutBiasesSaysSo() {
    Path folder = ParityFixtures.copy(NO_BIASES, dir);
    try (SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.apply(FineTuningMethods.parse("bitfit")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("matches no bias of the model");
    }
  }

  private static float[] logits(SequenceClassifier model, ParityFixtures.Expected batch) {
    try (NDManager m = model.manager().newSubManager()) {
      return model.forward(batch.batch(m), false).singletonOrThrow().toFloatArray();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("familiesAndMethods")
  void oneStepTrainsOnlyWhatTheMethodTrainsAndTheResultReloads(String family, String spec) {
    Path folder = ParityFixtures.copy(family, dir);
    ParityFixtures.Expected batch = ParityFixtures.expected(folder);
    FineTuningMethod method = FineTuningMethods.parse(spec);
    Path saved = dir.resolve("saved");
    float[] tuned;
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
        SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      model.apply(method);
      Map<String, float[]> before = TinySetup.snapshot(model);
      FineTune.of(model).tokenizer(tokenizer).schedule(Schedules.constant(1.0)).learningRate(1e-2).epochs(1)
          .batchSize(16).maxLength(16).seed(3).progressBar(false)
          .fit(TinySetup.toyTask("toy", 16, 1), null);
      Map<String, float[]> after = TinySetup.snapshot(model);
      boolean moved = false;
      for (ModelParameter p : model.parameters().all()) {
        String n = p.hfName();
        if (p.isTrainable()) {
          moved |= !java.util.Arrays.equals(before.get(n), after.get(n));
        } else {
          assertThat(after.get(n)).as("%s %s: frozen %s", family, spec, n).isEqualTo(before.get(n));
        }
      }
      assertThat(moved).as("%s %s trains something", family, spec).isTrue();
      tuned = logits(model, batch);
      if (method.changesBaseWeights()) {
        model.save(saved);
      } else {
        AdapterCheckpoint.save(model, saved);
      }
    }
    try (SequenceClassifier reloaded = method.changesBaseWeights()
        ? Encoders.loader().strict(true).load(saved).classifier().build()
        : Encoders.load(folder).classifier().build()) {
      if (!method.changesBaseWeights()) {
        AdapterCheckpoint.load(reloaded, saved);
      }
      assertThat(TinySetup.maxAbsDiff(logits(reloaded, batch), tuned)).as("%s %s", family, spec)
          .isLessThanOrEqualTo(1e-6);
    }
  }
}
