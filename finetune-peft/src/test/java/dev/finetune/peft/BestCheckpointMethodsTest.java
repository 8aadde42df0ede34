package dev.finetune.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import dev.finetune.core.train.callbacks.BestCheckpoint;
import dev.finetune.core.train.callbacks.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * For every method of the registry, the best checkpoint reloads to the logits the model had at
 * the best evaluation, and restoreAtEnd leaves exactly those weights in memory.
 */
class BestCheckpointMethodsTest {

  @TempDir Path dir;

  /** Logits of a fixed batch and the monitored value after every evaluation. */
  private static final class Recorder implements TrainingListener {
    final List<float[]> logits = new ArrayList<>();
    final List<Double> losses = new ArrayList<>();

    @Override
    public void onEvaluationEnd(TrainingContext context, Map<String, Double> metrics) {
      logits.add(TinySetup.logits(context.model()));
      losses.add(metrics.get("loss"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"full", "lora(4)", "ia3", "prompt(2)", "prefix(2)",
      "prefix(tokens=2, projection=8)", "houlsby(size=4)", "pfeiffer(size=4)", "parallel(size=4)",
      "bitfit", "head", "embeddings", "encoder", "top_layers(1)"})
  void theBestCheckpointReloadsTheBestEpochAndRestoreAtEndKeepsIt(String spec) throws Exception {
    TextDataset train = TinySetup.toyTask("toy", 32, 1);
    TextDataset dev = TinySetup.toyTask("dev", 16, 2);
    Path best = dir.resolve("best");
    var method = FineTuningMethods.parse(spec);
    boolean adapter = !method.changesBaseWeights();
    Recorder rec = new Recorder();
    float[] restored;
    TrainingReport report;
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir);
        SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      // the highest validation loss is "best", so the best epoch is an early one, not the last
      BestCheckpoint callback = BestCheckpoint.on("loss").mode(Mode.MAX).saveTo(best).restoreAtEnd();
      report = FineTune.of(model).tokenizer(tokenizer).peft(method).learningRate(5e-3).epochs(2)
          .batchSize(16).maxLength(16).seed(3).progressBar(false).callbacks(callback, rec)
          .fit(train, dev);
      restored = TinySetup.logits(model);
    }
    int bestEpoch = 0;
    for (int e = 1; e < rec.losses.size(); e++) {
      if (rec.losses.get(e) > rec.losses.get(bestEpoch)) {
        bestEpoch = e;
      }
    }
    float[] expected = rec.logits.get(bestEpoch);
    assertThat(expected).as("%s: the best epoch's logits differ from the last's", spec)
        .isNotEqualTo(rec.logits.get(rec.logits.size() - 1));

    JsonObject json = JsonParser.parseString(Files.readString(best.resolve(BestCheckpoint.BEST_JSON)))
        .getAsJsonObject();
    assertThat(json.get("epoch").getAsInt()).isEqualTo(bestEpoch);
    assertThat(json.get("layout").getAsString()).isEqualTo(adapter ? "adapter" : "model");
    try (SequenceClassifier reloaded = adapter ? TinySetup.model(0.1f, 7)
        : Encoders.load(best).forSequenceClassification(2)) {
      if (adapter) {
        AdapterCheckpoint.load(reloaded, best);
      }
      assertThat(TinySetup.maxAbsDiff(TinySetup.logits(reloaded), expected)).as(spec)
          .isLessThanOrEqualTo(1e-6);
    }
    assertThat(TinySetup.maxAbsDiff(restored, expected)).as(spec + " restored").isLessThanOrEqualTo(1e-6);
    assertThat(report.extraRows()).extracting(EvaluationRecord::label)
        .containsExactly(BestCheckpoint.RESTORED_LABEL);
    assertThat(report.extraRows().get(0).epoch()).isEqualTo(bestEpoch + 1);
  }

  @Test
  void aModelThatNoCheckpointReloadsIsRefusedNamingItsMethods() throws Exception {
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir);
        SequenceClassifier model = TinySetup.model(0.1f, 7)) {
      FineTune fit = FineTune.of(model).tokenizer(tokenizer).peft(Peft.lora(), Selective.topLayers(1))
          .epochs(1).batchSize(16).maxLength(16).progressBar(false)
          .callbacks(BestCheckpoint.on("loss").saveTo(dir.resolve("best")));
      assertThatThrownBy(() -> fit.fit(TinySetup.toyTask("toy", 16, 1), TinySetup.toyTask("dev", 8, 2)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("BestCheckpoint cannot save this model so that it reloads")
          .hasMessageContaining("lora(r=8").hasMessageContaining("top-1-layers");
    }
    assertThat(dir.resolve("best")).doesNotExist();
  }
}
