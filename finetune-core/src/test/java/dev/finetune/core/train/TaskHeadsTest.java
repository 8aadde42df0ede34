package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.metrics.ClassificationMetrics;
import dev.finetune.core.metrics.ComputeMetrics;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.callbacks.BestCheckpoint;
import dev.finetune.core.train.callbacks.EarlyStopping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One learnable toy task per head kind, trained end to end through {@link FineTune} on a tiny
 * random encoder: sentence pairs, regression, multi-label; with user losses, user metrics and the
 * callbacks that monitor metrics by name.
 */
class TaskHeadsTest {

  @TempDir static Path dir;
  static HuggingFaceTokenizer tokenizer;

  /** Words that carry no signal. */
  private static final List<String> FILLERS =
      List.of("movie", "film", "actor", "the", "a", "was", "very", "not", "scene", "story", "long", "short");

  @BeforeAll
  static void tokenizer() {
    tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  private static List<String> fillers(Random random, int min, int max) {
    List<String> words = new ArrayList<>();
    int n = min + random.nextInt(max - min + 1);
    for (int i = 0; i < n; i++) {
      words.add(FILLERS.get(random.nextInt(FILLERS.size())));
    }
    return words;
  }

  /** Label 1 iff the SECOND text says "good"; the first text is long noise. */
  private static TextDataset pairs(String name, int size, long seed) {
    Random random = new Random(seed);
    List<TextExample> examples = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int label = random.nextInt(2);
      List<String> first = fillers(random, 6, 12);
      first.add(random.nextInt(first.size()), random.nextBoolean() ? "good" : "bad");
      List<String> second = fillers(random, 1, 3);
      second.add(random.nextInt(second.size() + 1), label == 1 ? "good" : "bad");
      examples.add(TextExample.pair(String.join(" ", first), String.join(" ", second), label));
    }
    return TextDataset.of(name, examples, List.of("no", "yes"));
  }

  /** Target = how many times "good" occurs (0, 1 or 2). */
  private static TextDataset counts(String name, int size, long seed) {
    Random random = new Random(seed);
    List<TextExample> examples = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int goods = random.nextInt(3);
      List<String> words = fillers(random, 2, 6);
      for (int g = 0; g < goods; g++) {
        words.add(random.nextInt(words.size() + 1), "good");
      }
      examples.add(TextExample.regression(String.join(" ", words), goods));
    }
    return TextDataset.regression(name, examples, 0);
  }

  private static final List<String> TOPICS = List.of("good", "music", "plot");

  /** Label k iff topic word k occurs; any subset, the empty one included. */
  private static TextDataset topics(String name, int size, long seed) {
    Random random = new Random(seed);
    List<TextExample> examples = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      List<String> words = fillers(random, 2, 6);
      List<Integer> ids = new ArrayList<>();
      for (int k = 0; k < TOPICS.size(); k++) {
        if (random.nextBoolean()) {
          ids.add(k);
          words.add(random.nextInt(words.size() + 1), TOPICS.get(k));
        }
      }
      examples.add(TextExample.multiLabel(String.join(" ", words),
          ids.stream().mapToInt(Integer::intValue).toArray()));
    }
    return TextDataset.multiLabel(name, examples, TOPICS, 0);
  }

  private static FineTune chain(SequenceClassifier model) {
    return FineTune.of(model).tokenizer(tokenizer).learningRate(3e-3).epochs(4).batchSize(16)
        .progressBar(false);
  }

  @Test
  void sentencePairsTrainWithTheTruncationSetting() {
    ComputeMetrics errorRate = p -> Map.of("error_rate",
        1 - ClassificationMetrics.accuracy(p.classLabels(), p.predictedClasses()));
    try (SequenceClassifier model = SequenceClassifier.randomInit(TinySetup.config(0.1f), 2, 7, Device.cpu())) {
      // max length 10: 7 text tokens, so the long first text is cut and the short second kept
      TrainingReport report = chain(model).maxLength(10).set("truncation", "only_first")
          .metrics(errorRate)
          .callbacks(EarlyStopping.on("error_rate").patience(10))
          .fit(pairs("pairs-train", 256, 1), pairs("pairs-dev", 128, 2));
      assertThat(report.settings()).containsEntry("truncation", "only_first");
      Map<String, Double> last = report.lastEpoch().validationMetrics();
      assertThat(last.get("accuracy")).isGreaterThan(0.9);
      assertThat(last.get("error_rate")).isEqualTo(1 - last.get("accuracy"), org.assertj.core.api.Assertions.within(1e-9));
    }
    try (SequenceClassifier model = SequenceClassifier.randomInit(TinySetup.config(0.1f), 2, 7, Device.cpu())) {
      // only_second must cut the 1-4 word second text below nothing for long first texts: an error
      assertThatThrownBy(() -> chain(model).maxLength(6).set("truncation", "only_second")
          .fit(pairs("pairs-train", 32, 1), null))
          .hasMessageContaining("only_second");
    }
  }

  @Test
  void regressionReachesItsSpearmanWithAUserLossAndBestCheckpointOnSpearman() throws Exception {
    Loss meanAbsoluteError = (logits, labels) -> logits.reshape(-1).sub(labels).abs().mean();
    Path best = dir.resolve("best-regression");
    try (SequenceClassifier model = SequenceClassifier.randomInit(
        TinySetup.config(0.1f), ProblemType.REGRESSION, 1, Pooling.AUTO, 7, Device.cpu())) {
      TrainingReport report = chain(model).loss(meanAbsoluteError)
          .callbacks(BestCheckpoint.on("spearman").saveTo(best))
          .fit(counts("counts-train", 256, 1), counts("counts-dev", 128, 2));
      Map<String, Double> last = report.lastEpoch().validationMetrics();
      assertThat(last.keySet()).containsExactly("mse", "pearson", "spearman", "loss");
      assertThat(last.get("spearman")).isGreaterThan(0.85);
      assertThat(last.get("pearson")).isGreaterThan(0.85);
      assertThat(report.settings()).containsEntry("loss", "custom");
      assertThat(Files.readString(best.resolve(BestCheckpoint.BEST_JSON))).contains("spearman");
    }
  }

  @Test
  void multiLabelReachesItsF1AndItsProblemTypeIsSavedAndReadBack() {
    Path saved = dir.resolve("multi");
    double[] tuned;
    try (SequenceClassifier model = SequenceClassifier.randomInit(
        TinySetup.config(0.1f), ProblemType.MULTI_LABEL_CLASSIFICATION, 3, Pooling.MEAN, 7, Device.cpu())) {
      TrainingReport report = chain(model).set("tune_thresholds", true)
          .fit(topics("topics-train", 256, 1), topics("topics-dev", 128, 2));
      Map<String, Double> last = report.lastEpoch().validationMetrics();
      assertThat(last.keySet()).containsExactly(
          "micro_f1", "macro_f1", "subset_accuracy", "hamming_loss", "mean_threshold", "loss");
      assertThat(last.get("micro_f1")).isGreaterThan(0.9);
      assertThat(last.get("macro_f1")).isGreaterThan(0.9);
      assertThat(last.get("hamming_loss")).isLessThan(0.1);
      assertThat(report.settings()).containsEntry("loss", "by problem type");
      // the model decides with the thresholds its last validation tuned, and saves them
      tuned = model.decisionThresholds();
      assertThat(java.util.Arrays.stream(tuned).average().orElseThrow())
          .isCloseTo(last.get("mean_threshold"), org.assertj.core.api.Assertions.within(1e-12));
      model.save(saved);
    }
    try (SequenceClassifier loaded = Encoders.loader().load(saved).classifier().numLabels(3).build()) {
      assertThat(loaded.problemType()).isEqualTo(ProblemType.MULTI_LABEL_CLASSIFICATION);
      assertThat(loaded.decisionThresholds()).containsExactly(tuned);
    }
    try (SequenceClassifier single = Encoders.loader().load(saved).classifier().numLabels(3)
        .problemType(ProblemType.SINGLE_LABEL_CLASSIFICATION).build()) {
      assertThat(single.problemType()).isEqualTo(ProblemType.SINGLE_LABEL_CLASSIFICATION);
    }
    // a fresh head is a new label set: the saved problem type does not carry over
    try (SequenceClassifier fresh = Encoders.loader().load(saved).classifier().numLabels(3)
        .freshHead(true).build()) {
      assertThat(fresh.problemType()).isEqualTo(ProblemType.SINGLE_LABEL_CLASSIFICATION);
    }
  }

  @Test
  void aHeadThatDoesNotFitTheDataFailsNamingTheFix() {
    try (SequenceClassifier single = SequenceClassifier.randomInit(TinySetup.config(0f), 3, 7, Device.cpu())) {
      assertThatThrownBy(() -> chain(single).fit(topics("topics", 16, 1), null))
          .hasMessageContaining("is multi-label but the model's head is single_label_classification")
          .hasMessageContaining("multiLabel(3)");
    }
    try (SequenceClassifier multi = SequenceClassifier.randomInit(
        TinySetup.config(0f), ProblemType.MULTI_LABEL_CLASSIFICATION, 4, Pooling.AUTO, 7, Device.cpu())) {
      assertThatThrownBy(() -> chain(multi).fit(topics("topics", 16, 1), null))
          .hasMessageContaining("has 3 labels but the model's multi-label head has 4 outputs");
    }
    assertThatThrownBy(() -> SequenceClassifier.randomInit(
        TinySetup.config(0f), ProblemType.REGRESSION, 2, Pooling.AUTO, 7, Device.cpu()))
        .hasMessageContaining("a regression head has 1 output, got numLabels 2");
  }
}
