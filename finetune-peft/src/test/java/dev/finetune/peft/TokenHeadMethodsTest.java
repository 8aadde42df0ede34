package dev.finetune.peft;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.tokens.EntitySpans;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.method.MethodCheckpoint;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.predict.Predictor;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every registered fine-tuning method trains the token-classification head unchanged: frozen
 * parameters stay bit-identical, trained ones move, the run reports entity metrics; an adapter
 * folder carries the token head and predicts the same entities as the model in memory.
 */
class TokenHeadMethodsTest {

  @TempDir static Path dir;
  static HuggingFaceTokenizer tokenizer;

  /** Small arguments for the tiny encoder; any other registered method is tried by its name. */
  private static final Map<String, String> SMALL = Map.of("lora", "lora(2)", "houlsby",
      "houlsby(8)", "pfeiffer", "pfeiffer(8)", "parallel", "parallel(8)", "prompt", "prompt(2)",
      "prefix", "prefix(2)", "top_layers", "top_layers(1)");

  private static final List<String> TEXTS =
      List.of("good bad movie film", "the plot was very long", "a", "");

  @BeforeAll
  static void open() {
    tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void everyRegisteredMethodTrainsATokenHeadWithFrozenPartsUnchanged() {
    List<String> names = FineTuningMethods.names();
    assertThat(names).contains("lora", "ia3", "bitfit", "prefix", "prompt", "houlsby");
    for (String name : names) {
      String spec = SMALL.getOrDefault(name, name);
      try (SequenceClassifier model = TinySetup.tokenModel(0f, 7)) {
        Map<String, float[]> before = TinySetup.snapshot(model);
        TrainingReport report = FineTune.of(model).tokenizer(tokenizer)
            .peft(FineTuningMethods.parse(spec)).learningRate(1e-2).epochs(1).batchSize(8)
            .progressBar(false)
            .fit(TinySetup.tokenTask("toy", 24, 1), TinySetup.tokenTask("dev", 8, 2), null);
        assertThat(report.lastEpoch().validationMetrics()).as(spec)
            .containsKeys("f1", "precision", "recall", "accuracy", "f1_EVEN");
        assertThat(Double.isFinite(report.lastEpoch().trainLoss())).as(spec).isTrue();
        Map<String, float[]> after = TinySetup.snapshot(model);
        int moved = 0;
        for (ModelParameter p : model.parameters().all()) {
          String n = p.hfName();
          if (!before.containsKey(n)) {
            continue; // the method's own
          }
          if (p.isTrainable()) {
            moved += java.util.Arrays.equals(after.get(n), before.get(n)) ? 0 : 1;
          } else {
            assertThat(after.get(n)).as(spec + ": frozen " + n).isEqualTo(before.get(n));
          }
        }
        assertThat(moved + model.parameters().trainable().stream()
            .filter(p -> !before.containsKey(p.hfName())).count()).as(spec).isPositive();
        assertThat(model.parameters().get("classifier.weight").isTrainable()).as(spec).isTrue();
      }
    }
  }

  @Test
  void aLoraAdapterFolderCarriesTheTokenHeadAndPredictsTheSameEntities() {
    Path base = dir.resolve("base");
    Path adapter = dir.resolve("adapter");
    try (SequenceClassifier model = TinySetup.tokenModel(0f, 11)) {
      model.save(base);
      FineTuningMethod lora = FineTuningMethods.parse("lora(4)");
      FineTune.of(model).tokenizer(tokenizer).peft(lora).learningRate(2e-2).epochs(4)
          .batchSize(8).progressBar(false)
          .fit(TinySetup.tokenTask("toy", 96, 1), null, null);
      MethodCheckpoint.save(model, adapter);
      assertThat(MethodCheckpoint.savedHead(adapter).tokenClassification()).isTrue();
      List<List<EntitySpans.EntitySpan>> inMemory = Predictor.of(model).entities(TEXTS);
      assertThat(inMemory.get(0)).extracting(EntitySpans.EntitySpan::text).isNotEmpty();
      try (Predictor loaded = Predictor.loader().base(base).load(adapter)) {
        assertThat(loaded.labelNames()).containsExactly("O", "B-EVEN", "I-EVEN");
        assertThat(loaded.entities(TEXTS)).isEqualTo(inMemory);
      }
    }
  }
}
