package dev.finetune.peft.gpu;

import static dev.finetune.core.train.TinySetup.maxAbsDiff;
import static dev.finetune.core.train.TinySetup.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.WordPieceVocabulary;
import dev.finetune.core.predict.Predictor;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.core.train.TinySetup;
import dev.finetune.core.train.TrainingSettings;
import dev.finetune.peft.Peft;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU test group (tag {@code gpu}; surefire leaves it out unless asked: {@code mvn verify
 * -Dsurefire.excludedGroups= -Dgroups=gpu}, or {@code gpu/check.sh} on a GPU machine). Each test
 * is skipped with a reason where the engine sees no GPU: forward parity with the CPU, a training
 * run against the CPU's, every PEFT method training, a model trained on one device predicting on
 * the other, and bf16 reaching float32's accuracy (skipped until the {@code precision} setting
 * exists).
 */
@Tag("gpu")
class GpuTest {

  /**
   * The device under test: the first GPU, or what {@code -Dfinetune.gputest.device} names
   * ({@code cpu} dry-runs the group's code on a machine without a GPU, CPU against CPU).
   */
  static final Device GPU = dev.finetune.core.model.Devices.parse(
      System.getProperty("finetune.gputest.device", "gpu"));

  @TempDir static Path dir;
  static HuggingFaceTokenizer tokenizer;

  @BeforeAll
  static void gpuOrSkip() {
    assumeTrue(!GPU.isGpu() || Engine.getInstance().getGpuCount() > GPU.getDeviceId(),
        "the engine sees no GPU (" + dev.finetune.core.model.Devices.engineDescription() + ")");
    tokenizer = TinySetup.tokenizer(dir.resolve("tokenizer"));
  }

  private static SequenceClassifier tiny(Device device, float dropout) {
    return SequenceClassifier.randomInit(TinySetup.config(dropout), 2,
        dev.finetune.core.model.Pooling.CLS_POOLER, 7, device,
        WordPieceVocabulary.tokenizerJson(TinySetup.WORDS));
  }

  private static float[] logits(SequenceClassifier model) {
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      NDList batch = TinySetup.batch(m);
      return model.forward(batch, false).singletonOrThrow().toFloatArray();
    }
  }

  private static TrainingReport fit(SequenceClassifier model, ModelTransform method, int epochs) {
    FineTune chain = FineTune.of(model).tokenizer(tokenizer).learningRate(1e-2).epochs(epochs)
        .batchSize(16).progressBar(false);
    if (method != null) {
      chain = chain.peft(method);
    }
    return chain.fit(TinySetup.toyTask("toy", 64, 3), TinySetup.toyTask("dev", 32, 4));
  }

  @Test
  void forwardMatchesTheCpu() {
    try (SequenceClassifier cpu = tiny(Device.cpu(), 0f); SequenceClassifier gpu = tiny(GPU, 0f)) {
      assertThat(gpu.device()).isEqualTo(GPU);
      assertThat(maxAbsDiff(logits(cpu), logits(gpu))).isLessThan(1e-4);
    }
  }

  @Test
  void aTrainingRunMatchesTheCpus() {
    try (SequenceClassifier cpu = tiny(Device.cpu(), 0f); SequenceClassifier gpu = tiny(GPU, 0f)) {
      TrainingReport a = fit(cpu, null, 1);
      TrainingReport b = fit(gpu, null, 1);
      assertThat(b.lastEpoch().trainLoss()).isCloseTo(a.lastEpoch().trainLoss(),
          org.assertj.core.data.Offset.offset(1e-3));
      Map<String, float[]> x = snapshot(cpu);
      Map<String, float[]> y = snapshot(gpu);
      for (String name : x.keySet()) {
        assertThat(maxAbsDiff(x.get(name), y.get(name))).as(name).isLessThan(1e-3);
      }
    }
  }

  @Test
  void everyPeftMethodTrainsOnTheGpu() {
    List<ModelTransform> methods = List.of(Peft.lora().r(4).alpha(8), Peft.ia3(), Peft.promptTuning(3),
        Peft.prefixTuning(2), Peft.bitFit());
    for (ModelTransform method : methods) {
      try (SequenceClassifier model = tiny(GPU, 0.1f)) {
        Map<String, float[]> before = snapshot(model);
        TrainingReport report = fit(model, method, 1);
        assertThat(report.lastEpoch().trainLoss()).as(method.toString()).isFinite();
        Map<String, float[]> after = snapshot(model);
        assertThat(after.keySet().stream().anyMatch(n -> !before.containsKey(n)
            || maxAbsDiff(before.get(n), after.get(n)) > 0)).as(method + " moved a parameter").isTrue();
      }
    }
  }

  @Test
  void gradientCheckpointingRunsOnTheGpu() {
    try (SequenceClassifier plain = tiny(GPU, 0f); SequenceClassifier recomputed = tiny(GPU, 0f)) {
      fit(plain, null, 1);
      FineTune.of(recomputed).tokenizer(tokenizer).learningRate(1e-2).epochs(1).batchSize(16)
          .progressBar(false).set("gradient_checkpointing", true)
          .fit(TinySetup.toyTask("toy", 64, 3), TinySetup.toyTask("dev", 32, 4));
      Map<String, float[]> x = snapshot(plain);
      Map<String, float[]> y = snapshot(recomputed);
      for (String name : x.keySet()) {
        assertThat(maxAbsDiff(x.get(name), y.get(name))).as(name).isLessThan(1e-4);
      }
    }
  }

  @Test
  void trainedOnOneDevicePredictsTheSameOnTheOther() {
    for (Device[] pair : new Device[][] {{GPU, Device.cpu()}, {Device.cpu(), GPU}}) {
      Path saved = dir.resolve("trained-on-" + pair[0].getDeviceType() + "-for-" + pair[1].getDeviceType());
      try (SequenceClassifier model = tiny(pair[0], 0.1f)) {
        fit(model, Peft.lora().r(4).alpha(8), 1);
        model.saveMerged(saved); // the LoRA weights folded in, as Predictor.load reads a folder
        List<String> texts = List.of("good movie", "bad plot very long", "the actor was not good");
        try (Predictor here = Predictor.of(model);
            Predictor there = Predictor.loader().device(pair[1]).load(saved)) {
          for (int i = 0; i < texts.size(); i++) {
            assertThat(maxAbsDiff(here.predict(texts.get(i)).scores(), there.predict(texts.get(i)).scores()))
                .as("%s on %s vs %s", texts.get(i), pair[0], pair[1]).isLessThan(1e-4);
          }
        }
      }
    }
  }

  @Test
  void bf16ReachesTheFloat32Accuracy() {
    boolean hasPrecision;
    try {
      TrainingSettings.find("precision");
      hasPrecision = true;
    } catch (IllegalArgumentException e) {
      hasPrecision = false;
    }
    assumeTrue(hasPrecision, "this build has no precision setting (mixed precision, issue 21)");
    TextDataset train = TinySetup.toyTask("toy", 256, 3);
    TextDataset dev = TinySetup.toyTask("dev", 128, 4);
    double[] accuracy = new double[2];
    String[] precisions = {"fp32", "bf16"};
    for (int i = 0; i < 2; i++) {
      try (SequenceClassifier model = tiny(GPU, 0.1f)) {
        TrainingReport report = FineTune.of(model).tokenizer(tokenizer).learningRate(5e-3).epochs(3)
            .batchSize(16).progressBar(false).set("precision", precisions[i]).fit(train, dev);
        accuracy[i] = report.lastEpoch().validationMetrics().get("accuracy");
      }
    }
    assertThat(accuracy[0]).as("fp32 learns the toy task").isGreaterThan(0.8);
    assertThat(accuracy[1]).as("bf16 vs fp32 " + accuracy[0]).isGreaterThanOrEqualTo(accuracy[0] - 0.03);
  }
}
