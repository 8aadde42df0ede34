package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.finetune.core.data.tokens.TokenDataset;
import dev.finetune.core.data.tokens.TokenSplit;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.TrainingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token-classification head (HF's {@code BertForTokenClassification}), its loss and its
 * training, evaluation, test scoring, saving and resume through the one training loop, on the toy
 * task "an entity is a word whose token id is even".
 */
class TokenClassificationTest {

  @RegisterExtension static final TinyTokenizer TOKENIZER = new TinyTokenizer();

  @TempDir Path dir;

  @Test
  void theHeadIsOneClassifierOverEveryHiddenStateWithHfNames() {
    try (SequenceClassifier model = TinySetup.tokenModel(0f, 3);
        NDManager m = model.manager().newSubManager()) {
      assertThat(model.problemType()).isEqualTo(ProblemType.TOKEN_CLASSIFICATION);
      assertThat(model.head().pooling()).isEqualTo(Pooling.NONE);
      assertThat(model.head().pooler()).isEmpty();
      List<String> head = model.parameters().all().stream().map(ModelParameter::hfName)
          .filter(n -> !n.startsWith("embeddings.") && !n.startsWith("encoder.")).toList();
      assertThat(head).containsExactly("classifier.weight", "classifier.bias");
      NDList batch = TinySetup.batch(m);
      NDArray logits = model.forward(batch, false).singletonOrThrow();
      assertThat(logits.getShape()).isEqualTo(new Shape(2, 6, 3));
      // the classifier applied to each hidden state: logits = h W^T + b, token by token
      NDArray hidden = model.encode(batch).lastHiddenState();
      NDArray w = model.parameters().get("classifier.weight").parameter().getArray();
      NDArray b = model.parameters().get("classifier.bias").parameter().getArray();
      NDArray expected = hidden.matMul(w.transpose()).add(b);
      assertThat(TinySetup.maxAbsDiff(logits.toFloatArray(), expected.toFloatArray()))
          .isLessThan(1e-5);
    }
  }

  @Test
  void lossIsTheMeanOverLabelledTokensIgnoringMinus100() {
    try (NDManager m = NDManager.newBaseManager()) {
      // token 0: logits (0, 0), label 0 -> -ln(1/2); token 1 ignored; token 2: (0, ln 3), label 1
      // -> -ln(3/4). Mean over the 2 counted tokens.
      NDArray logits = m.create(new float[] {0, 0, 5, -5, 0, (float) Math.log(3)}, new Shape(1, 3, 2));
      NDArray labels = m.create(new long[] {0, -100, 1}, new Shape(1, 3));
      double expected = (Math.log(2) - Math.log(0.75)) / 2; // 0.490415
      assertThat(Losses.forProblem(ProblemType.TOKEN_CLASSIFICATION).compute(logits, labels)
          .getFloat()).isCloseTo((float) expected, within(1e-6f));
      NDArray none = m.create(new long[] {-100, -100, -100}, new Shape(1, 3));
      assertThat(Losses.tokenCrossEntropy(logits, none).getFloat()).isZero();
      assertThatThrownBy(() -> Losses.tokenCrossEntropy(logits, m.create(new long[] {0, 1})))
          .hasMessageContaining("token cross-entropy needs logits (B, T, C) and labels (B, T)");
    }
  }

  private static FineTune chain(SequenceClassifier model) {
    return FineTune.of(model).tokenizer(TOKENIZER.get()).learningRate(3e-3).batchSize(8).epochs(3)
        .progressBar(false);
  }

  @Test
  void aToyTokenTaskLearnsAndReportsEntityMetricsAndTheTestSplit() {
    TokenSplit data = new TokenSplit(TinySetup.tokenTask("toy", 96, 1),
        TinySetup.tokenTask("dev", 32, 2), TinySetup.tokenTask("test", 32, 3));
    try (SequenceClassifier model = TinySetup.tokenModel(0f, 5)) {
      TrainingReport report = chain(model).epochs(4).fit(data);
      Map<String, Double> first = report.epochs().get(0).validationMetrics();
      Map<String, Double> last = report.lastEpoch().validationMetrics();
      assertThat(last).containsKeys("f1", "precision", "recall", "accuracy", "f1_EVEN", "loss");
      assertThat(last.get("f1")).isGreaterThan(0.95).isEqualTo(last.get("f1_EVEN"));
      assertThat(last.get("loss")).isLessThan(first.get("loss"));
      assertThat(model.labelNames()).containsExactly("O", "B-EVEN", "I-EVEN");
      assertThat(report.test()).hasValueSatisfying(t -> {
        assertThat(t.epoch()).isEqualTo(4);
        assertThat(t.validationMetrics().get("f1")).isGreaterThan(0.95);
      });
      assertThat(report.table()).contains("test@4");
    }
  }

  @Test
  void mismatchedDataAndHeadsFailNamingTheFix() {
    TokenDataset tokens = TinySetup.tokenTask("toy", 8, 1);
    try (SequenceClassifier text = TinySetup.model(0f, 1)) {
      assertThatThrownBy(() -> chain(text).fit(tokens, null, null))
          .hasMessageContaining("classifier().tokenClassification(3)");
    }
    try (SequenceClassifier ner = TinySetup.tokenModel(0f, 1)) {
      assertThatThrownBy(() -> chain(ner).fit(TinySetup.toyTask("toy", 8, 1), null))
          .hasMessageContaining("token-classification head; train it on a TokenDataset");
      assertThatThrownBy(() -> chain(ner).metrics(p -> Map.of()).fit(tokens, null, null))
          .hasMessageContaining("remove the metrics(...) call");
    }
  }

  @Test
  void savesAsBertForTokenClassificationAndLoadsBackIdentical() throws Exception {
    try (SequenceClassifier model = TinySetup.tokenModel(0f, 9)) {
      chain(model).epochs(1).fit(TinySetup.tokenTask("toy", 16, 1), null, null);
      model.save(dir);
      String config = Files.readString(dir.resolve("config.json"));
      assertThat(config).contains("\"BertForTokenClassification\"").contains("\"B-EVEN\"")
          .doesNotContain("problem_type");
      try (SequenceClassifier back = Encoders.loader().strict(true).load(dir).classifier()
          .tokenClassification(3).build()) {
        assertThat(back.problemType()).isEqualTo(ProblemType.TOKEN_CLASSIFICATION);
        assertThat(back.labelNames()).containsExactly("O", "B-EVEN", "I-EVEN");
        assertThat(TinySetup.logits(back)).containsExactly(TinySetup.logits(model));
      }
      try (SequenceClassifier inferred = Encoders.load(dir).classifier().numLabels(3).build()) {
        assertThat(inferred.problemType()).as("from architectures").isEqualTo(
            ProblemType.TOKEN_CLASSIFICATION);
      }
    }
  }

  private record Outcome(Map<String, float[]> weights, TrainingReport report) {}

  private static final class StopAt implements TrainingListener {
    private final long step;

    StopAt(long step) {
      this.step = step;
    }

    @Override
    public void onStepEnd(TrainingContext context, double loss) {
      if (context.globalStep() == step) {
        context.requestStop("budget of " + step + " steps");
      }
    }
  }

  private Outcome fit(Path checkpoints, TrainingListener... callbacks) {
    try (SequenceClassifier model = TinySetup.tokenModel(0.1f, 23)) {
      FineTune chain = chain(model).epochs(2).callbacks(callbacks);
      if (checkpoints != null) {
        chain.checkpoints(checkpoints, 0);
      }
      TrainingReport report = chain.fit(TinySetup.tokenTask("toy", 40, 31),
          TinySetup.tokenTask("dev", 16, 32), null);
      return new Outcome(TinySetup.snapshot(model), report);
    }
  }

  @Test
  void aStoppedTokenRunResumesExactly() {
    Outcome straight = fit(null);
    Path checkpoints = dir.resolve("run");
    Outcome part = fit(checkpoints, new StopAt(3));
    assertThat(part.report().epochs().get(0).steps()).isEqualTo(3);
    Outcome rest = fit(checkpoints, new StopAt(-1));
    List<String> differing = new ArrayList<>();
    straight.weights().forEach((name, values) -> {
      if (TinySetup.maxAbsDiff(values, rest.weights().get(name)) > 1e-6) {
        differing.add(name);
      }
    });
    assertThat(differing).as("parameters that differ from the uninterrupted run").isEmpty();
    assertThat(rest.report().epochs()).extracting(r -> r.steps()).containsExactly(5L, 10L);
    assertThat(rest.report().lastEpoch().validationMetrics())
        .isEqualTo(straight.report().lastEpoch().validationMetrics());
  }
}
