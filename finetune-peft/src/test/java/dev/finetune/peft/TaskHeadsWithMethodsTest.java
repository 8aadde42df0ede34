package dev.finetune.peft;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.Losses;
import dev.finetune.core.train.TinySetup;
import dev.finetune.core.train.callbacks.EarlyStopping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-label and regression heads, their losses and metrics compose with every kind of
 * registered fine-tuning method: one short fit each, with a user metric monitored by name.
 */
class TaskHeadsWithMethodsTest {

  @TempDir static Path dir;
  static HuggingFaceTokenizer tokenizer;

  private static final List<String> SPECS =
      List.of("lora(2)", "ia3", "bitfit", "houlsby(8)", "prompt(2)", "prefix(2)", "top_layers(1)");

  @BeforeAll
  static void open() {
    tokenizer = TinySetup.tokenizer(dir);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static TextDataset multiLabel() {
    List<TextExample> examples = new ArrayList<>();
    String[] texts = {"good movie", "bad plot", "good music story", "the film", "bad actor scene"};
    int[][] ids = {{0}, {1}, {0, 2}, {}, {1}};
    for (int i = 0; i < 16; i++) {
      examples.add(TextExample.multiLabel(texts[i % 5], ids[i % 5]));
    }
    return TextDataset.multiLabel("tiny-multi", examples, List.of("good", "bad", "music"), 0);
  }

  private static TextDataset regression() {
    List<TextExample> examples = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      examples.add(TextExample.regression(i % 2 == 0 ? "good good film" : "bad film", i % 2 == 0 ? 2f : 0f));
    }
    return TextDataset.regression("tiny-regression", examples, 0);
  }

  private static double labelsPerExample(boolean[][] truth) {
    int labels = 0;
    for (boolean[] row : truth) {
      for (boolean b : row) {
        labels += b ? 1 : 0;
      }
    }
    return (double) labels / truth.length;
  }

  @Test
  void everyMethodTrainsMultiLabelAndRegressionHeads() {
    for (String spec : SPECS) {
      try (SequenceClassifier model = SequenceClassifier.randomInit(TinySetup.config(0f),
          ProblemType.MULTI_LABEL_CLASSIFICATION, 3, Pooling.AUTO, 7, Device.cpu())) {
        TrainingReport report = FineTune.of(model).tokenizer(tokenizer)
            .peft(FineTuningMethods.parse(spec)).learningRate(1e-2).epochs(1).batchSize(8)
            .progressBar(false)
            .metrics(p -> Map.of("labels_per_example", labelsPerExample(p.multiHot())))
            .callbacks(EarlyStopping.on("labels_per_example"))
            .fit(multiLabel(), multiLabel());
        Map<String, Double> m = report.lastEpoch().validationMetrics();
        assertThat(m).as(spec).containsKeys("micro_f1", "macro_f1", "subset_accuracy", "hamming_loss");
        // 16 examples cycling through 1, 1, 2, 0, 1 labels: 3 cycles (15 labels) and one more
        assertThat(m.get("labels_per_example")).as(spec).isEqualTo(16 / 16.0);
        assertThat(Double.isFinite(report.lastEpoch().trainLoss())).as(spec).isTrue();
      }
      try (SequenceClassifier model = SequenceClassifier.randomInit(TinySetup.config(0f),
          ProblemType.REGRESSION, 1, Pooling.AUTO, 7, Device.cpu())) {
        TrainingReport report = FineTune.of(model).tokenizer(tokenizer)
            .peft(FineTuningMethods.parse(spec)).loss(Losses.huber(1.0)).learningRate(1e-2)
            .epochs(1).batchSize(8).progressBar(false).fit(regression(), regression());
        assertThat(report.lastEpoch().validationMetrics()).as(spec)
            .containsKeys("mse", "pearson", "spearman");
        assertThat(report.settings()).as(spec).containsEntry("loss", "huber(delta=1.0)");
      }
    }
  }
}
