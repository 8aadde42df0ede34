package dev.finetune.core.predict;

import dev.finetune.core.model.ProblemType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.huggingface.tokenizers.Encoding;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.metrics.MetricAccumulator;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorTest {

  private static final List<String> WORDS = TinyFixtures.WORDS.subList(0, 11);

  @TempDir Path dir;

  /** Sentences of the tiny vocabulary; label 1 iff "good" occurs before "bad" or alone. */
  static TextDataset toy(String name, int size, long seed) {
    Random random = new Random(seed);
    List<TextExample> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int label = random.nextInt(2);
      List<String> words = new ArrayList<>();
      for (int w = 0, n = 2 + random.nextInt(9); w < n; w++) {
        words.add(WORDS.get(random.nextInt(WORDS.size())).replace("good", "the").replace("bad", "a"));
      }
      words.add(random.nextInt(words.size() + 1), label == 1 ? "good" : "bad");
      out.add(TextExample.of(String.join(" ", words), label));
    }
    return TextDataset.of(name, out, List.of("negative", "positive"));
  }

  @Test
  void predictionsEqualTheEvaluationPathsArgmax() {
    TextDataset train = toy("train", 64, 1);
    TextDataset validation = toy("validation", 45, 2);
    try (SequenceClassifier model = TinyFixtures.bert(2, 3)) {
      TrainingReport report = FineTune.of(model).epochs(1).batchSize(8).learningRate(1e-3)
          .maxLength(32).fit(train, validation);
      List<Prediction> predictions =
          Predictor.builder(model).batchSize(7).maxLength(32).build().predict(validation);
      int correct = 0;
      for (int i = 0; i < validation.size(); i++) {
        correct += predictions.get(i).labelId() == validation.get(i).label() ? 1 : 0;
        assertThat(predictions.get(i).labelId()).isEqualTo(singleRowArgmax(model,
            validation.get(i).text()));
      }
      assertThat((double) correct / validation.size()).isEqualTo(
          report.lastEpoch().validationMetrics().get(MetricAccumulator.ACCURACY));
      assertThat(predictions.get(0).label()).isIn("negative", "positive");
    }
  }

  private static int singleRowArgmax(SequenceClassifier model, String text) {
    Encoding e = model.tokenizer().encode(text);
    try (NDManager m = model.manager().newSubManager()) {
      NDArray logits = model.forward(new NDList(m.create(new long[][] {e.getIds()})), false)
          .singletonOrThrow();
      return (int) logits.argMax(1).toLongArray()[0];
    }
  }

  @Test
  void probabilitiesTopKAndOrderAreConsistent() {
    try (SequenceClassifier model = TinyFixtures.bert(3, 5)) {
      model.labelNames(List.of("a", "b", "c"));
      Predictor predictor = Predictor.builder(model).batchSize(2).build();
      List<String> texts = List.of("good", "the film was very bad .", "a movie", "not good !");
      List<Prediction> all = predictor.predict(texts);
      for (int i = 0; i < texts.size(); i++) {
        Prediction one = predictor.predict(texts.get(i));
        assertThat(all.get(i).logits()).containsExactly(one.logits(), within(1e-5f));
        float sum = 0;
        for (float s : one.scores()) {
          sum += s;
        }
        assertThat(sum).isCloseTo(1f, within(1e-5f));
        assertThat(one.topK(3).get(0).label()).isEqualTo(one.label());
        assertThat(one.topK(3)).extracting(Prediction.LabelScore::score)
            .isSortedAccordingTo(Collections.reverseOrder());
        assertThat(one.topK(10)).hasSize(3);
      }
      assertThat(predictor.problemType()).isEqualTo(ProblemType.SINGLE_LABEL_CLASSIFICATION);
      assertThatThrownBy(() -> all.get(0).value()).hasMessageContaining("regression");
    }
  }

  @Test
  void problemTypesScoreTheirWay() {
    float[] logits = {2f, 0f, -1f};
    assertThat(ProblemType.MULTI_LABEL_CLASSIFICATION.scores(logits)[0])
        .isCloseTo((float) (1 / (1 + Math.exp(-2))), within(1e-6f));
    assertThat(ProblemType.REGRESSION.scores(new float[] {0.7f})).containsExactly(0.7f);
    assertThat(ProblemType.SINGLE_LABEL_CLASSIFICATION.scores(new float[] {0f, 0f}))
        .containsExactly(0.5f, 0.5f);
  }

  @Test
  void fourThreadsGiveTheAnswersOfOne() throws Exception {
    List<String> texts = new ArrayList<>();
    for (TextExample e : toy("t", 40, 9)) {
      texts.add(e.text());
    }
    try (SequenceClassifier model = TinyFixtures.bert(2, 7)) {
      Predictor shared = Predictor.builder(model).batchSize(4).build();
      List<Prediction> expected = shared.predict(texts);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<Prediction>>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          Callable<List<Prediction>> job = () -> {
            List<Prediction> mine = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
              mine = shared.predict(texts);
            }
            return mine;
          };
          futures.add(pool.submit(job));
        }
        for (Future<List<Prediction>> f : futures) {
          assertThat(f.get()).isEqualTo(expected);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void frozenPredictorsFuseWeightsWithinRoundingAndShareAcrossThreads() throws Exception {
    TextDataset train = toy("train", 64, 1);
    TextDataset validation = toy("validation", 45, 2);
    List<String> texts = new ArrayList<>();
    for (TextExample e : validation) {
      texts.add(e.text());
    }
    List<Prediction> plain;
    try (SequenceClassifier model = TinyFixtures.bert(2, 3)) {
      FineTune.of(model).epochs(1).batchSize(8).learningRate(1e-3).maxLength(32)
          .fit(train, validation);
      plain = Predictor.builder(model).batchSize(7).build().predict(texts);
      List<Prediction> fused;
      try (Predictor frozen = Predictor.builder(model).batchSize(7).frozen().build()) {
        assertThat(frozen.isFrozen()).isTrue();
        fused = frozen.predict(texts);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
          List<Future<List<Prediction>>> futures = new ArrayList<>();
          for (int t = 0; t < 4; t++) {
            futures.add(pool.submit(() -> frozen.predict(texts)));
          }
          for (Future<List<Prediction>> f : futures) {
            assertThat(f.get()).isEqualTo(fused);
          }
        } finally {
          pool.shutdownNow();
        }
      }
      double max = 0;
      for (int i = 0; i < texts.size(); i++) {
        // fusing changes rounding only: same labels, logits within 1e-5
        assertThat(fused.get(i).labelId()).isEqualTo(plain.get(i).labelId());
        max = Math.max(max, TinyFixtures.maxAbsDiff(fused.get(i).logits(), plain.get(i).logits()));
      }
      assertThat(max).isLessThan(1e-5);
      // closing a frozen predictor frees its copies, not the model
      assertThat(Predictor.builder(model).batchSize(7).build().predict(texts)).isEqualTo(plain);
      model.save(dir);
    }
    try (Predictor loaded = Predictor.loader().frozen().load(dir)) {
      assertThat(loaded.isFrozen()).isTrue();
      List<Prediction> again = loaded.predict(texts);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(again.get(i).logits()).containsExactly(plain.get(i).logits(), within(1e-5f));
      }
    }
  }

  @Test
  void saveLoadPredictGivesBitIdenticalLogitsAndNames() {
    List<String> texts = List.of("good movie", "the film was not very good", "bad");
    List<Prediction> before;
    try (SequenceClassifier model = TinyFixtures.bert(2, 11)) {
      model.labelNames(List.of("neg", "pos"));
      before = Predictor.of(model).predict(texts);
      model.save(dir);
    }
    try (Predictor loaded = Predictor.load(dir)) {
      assertThat(loaded.predict(texts)).isEqualTo(before);
      assertThat(loaded.labelNames()).containsExactly("neg", "pos");
    }
  }

  @Test
  void regressionHeadsGiveTheirValue() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 3)) {
      model.save(dir);
    }
    try (SequenceClassifier regression = dev.finetune.core.model.Encoders.load(dir).classifier()
        .regression().freshHead(true).build()) {
      Prediction p = Predictor.of(regression).predict("good");
      assertThat(p.problemType()).isEqualTo(ProblemType.REGRESSION);
      assertThat(p.value()).isEqualTo(p.logits()[0]).isEqualTo(p.scores()[0]);
    }
  }

  @Test
  void pairsAreEncodedWithThePairTemplateAsInTraining() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 17)) {
      Predictor predictor = Predictor.of(model);
      Prediction pair = predictor.predictPair("good movie", "the film was bad");
      Encoding e = model.tokenizer().encode("good movie", "the film was bad");
      try (NDManager m = model.manager().newSubManager()) {
        float[] expected = model.forward(new NDList(m.create(new long[][] {e.getIds()}),
            m.create(new long[][] {e.getAttentionMask()}),
            m.create(new long[][] {e.getTypeIds()})), false).singletonOrThrow().toFloatArray();
        assertThat(pair.logits()).containsExactly(expected, within(1e-6f));
      }
      assertThat(pair.logits()).isNotEqualTo(predictor.predict("good movie").logits());
      // in a padded batch of two: the same answer up to float rounding
      assertThat(predictor.predictPairs(List.of("good movie", "a"), List.of("the film was bad", "b"))
          .get(0).logits()).containsExactly(pair.logits(), within(1e-6f));
    }
  }

  @Test
  void aBaseEncoderWithoutATrainedHeadIsRefused() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 19)) {
      model.save(dir);
    }
    Path weights = dir.resolve("model.safetensors");
    var tensors = new java.util.LinkedHashMap<>(dev.finetune.core.checkpoint.SafeTensors.read(weights));
    tensors.keySet().removeIf(k -> k.startsWith("classifier."));
    dev.finetune.core.checkpoint.SafeTensors.write(weights, tensors);
    assertThatThrownBy(() -> Predictor.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("no trained classification head")
        .hasMessageContaining("classifier.weight");
  }

  @Test
  void badInputIsRefusedOrDocumented() throws Exception {
    try (SequenceClassifier model = TinyFixtures.bert(2, 13)) {
      Predictor predictor = Predictor.builder(model).maxLength(16).build();
      assertThatThrownBy(() -> predictor.predict((String) null))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("null");
      assertThatThrownBy(() -> predictor.predict(java.util.Arrays.asList("good", null)))
          .hasMessageContaining("text 1 is null");
      assertThatThrownBy(() -> predictor.predictPairs(List.of("a"), List.of()))
          .hasMessageContaining("1 texts but 0 second texts");
      assertThat(predictor.predict("").logits()).hasSize(2);
      String huge = "good movie ".repeat(20_000);
      assertThat(huge.length()).isGreaterThanOrEqualTo(200_000);
      assertThat(predictor.predict(huge).logits())
          .containsExactly(predictor.predict("good movie ".repeat(20)).logits());
      assertThat(predictor.predict(List.of())).isEmpty();
      assertThatThrownBy(() -> Predictor.builder(model).maxLength(10_000))
          .hasMessageContaining("max length must be in [2, ");
    }
    Path empty = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(empty.resolve("README.txt"), "hello");
    assertThatThrownBy(() -> Predictor.load(empty))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("is not a model folder")
        .hasMessageContaining("config.json")
        .hasMessageContaining("README.txt");
    assertThatThrownBy(() -> Predictor.load(dir.resolve("missing")))
        .hasMessageContaining("model folder not found");
  }
}
