package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.Precision;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.TrainingReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * bf16 and fp16 mixed precision against float32 on tiny encoders: logits after a forward and the
 * loss curve of 20 steps agree within stated tolerances; the parameters (master weights) and the
 * saved model stay float32; fp16's injected overflow is skipped and backs the loss scale off.
 */
class MixedPrecisionTest {

  /**
   * Logits of a 2 x 128 random encoder vs float32 (size ~0.05): float16 keeps 11 significant bits
   * (relative rounding 4.9e-4 per cast), measured 2.4e-5 apart at most; bfloat16 keeps 8 (3.9e-3),
   * measured 3.6e-4 apart.
   */
  private static final Map<Precision, Double> LOGITS_TOLERANCE =
      Map.of(Precision.FP16, 2.5e-4, Precision.BF16, 2.5e-3);

  /**
   * Training losses (size ~0.7) vs float32 over 20 steps: fp16 measured 1.6e-5 apart at most,
   * bf16 6.5e-5.
   */
  private static final Map<Precision, Double> LOSS_TOLERANCE =
      Map.of(Precision.FP16, 2e-4, Precision.BF16, 7e-4);

  @RegisterExtension static final TinyTokenizer TOKENIZER = new TinyTokenizer();

  @TempDir Path dir;

  @Test
  void halfPrecisionLogitsAgreeWithFloat32() {
    EncoderConfig wide = EncoderConfig.builder().vocabSize(TinySetup.config(0f).vocabSize())
        .hiddenSize(128).numLayers(2).numHeads(4).intermediateSize(512)
        .maxPositionEmbeddings(64).hiddenDropout(0f).attentionDropout(0f).build();
    try (SequenceClassifier model =
            SequenceClassifier.randomInit(wide, 3, 7, ai.djl.Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      NDList inputs = TinySetup.batch(m);
      ParameterStore store = new ParameterStore(m, false);
      float[] full = model.forward(store, inputs, false, Precision.FP32).singletonOrThrow()
          .toFloatArray();
      for (Precision precision : List.of(Precision.FP16, Precision.BF16)) {
        NDArray half = model.forward(store, inputs, false, precision).singletonOrThrow();
        assertThat(half.getDataType()).isEqualTo(DataType.FLOAT32);
        double diff = TinySetup.maxAbsDiff(full, half.toFloatArray());
        assertThat(diff).as("max |%s - fp32| of the logits", precision)
            .isLessThan(LOGITS_TOLERANCE.get(precision))
            .isGreaterThan(0.0); // the products really ran in half precision
      }
    }
  }

  @Test
  void lossCurveOf20StepsFollowsFloat32AndMasterWeightsStayFloat32() throws Exception {
    Run full = fit(Precision.FP32, -1, null);
    assertThat(full.losses).hasSize(20);
    assertThat(full.report.settings()).containsEntry("precision", "fp32")
        .doesNotContainKey("loss_scale");
    for (Precision precision : List.of(Precision.FP16, Precision.BF16)) {
      Path saved = dir.resolve("saved-" + precision);
      Run half = fit(precision, -1, saved);
      double worst = 0;
      for (int i = 0; i < 20; i++) {
        worst = Math.max(worst, Math.abs(full.losses.get(i) - half.losses.get(i)));
      }
      assertThat(worst).as("max |%s - fp32| over 20 training losses", precision)
          .isLessThan(LOSS_TOLERANCE.get(precision)).isGreaterThan(0.0);
      assertThat(half.losses.get(19)).as("it learned").isLessThan(half.losses.get(0));
      assertThat(half.dtypes).as("master weights").containsOnly(DataType.FLOAT32);
      assertThat(half.report.settings()).containsEntry("precision", precision.toString());
      if (precision == Precision.FP16) {
        assertThat(half.report.settings()).containsEntry("loss_scale", "65536.0")
            .containsEntry("skipped_steps", "0");
      } else {
        assertThat(half.report.settings()).doesNotContainKey("loss_scale");
      }
      String header = new String(Files.readAllBytes(saved.resolve("model.safetensors")), 0, 4000,
          StandardCharsets.ISO_8859_1);
      assertThat(header).contains("\"F32\"").doesNotContain("\"F16\"").doesNotContain("\"BF16\"");
    }
  }

  @Test
  void anOverflowIsSkippedAndBacksTheScaleOff() throws Exception {
    Run run = fit(Precision.FP16, 2, null);
    assertThat(run.report.settings()).containsEntry("loss_scale", "32768.0")
        .containsEntry("skipped_steps", "1");
    assertThat(run.movedAt.get(2)).as("weights moved at the overflowing step").isFalse();
    assertThat(run.movedAt.get(1)).isTrue();
    assertThat(run.movedAt.get(3)).isTrue();
  }

  @Test
  void aModelSavedInBf16OnRequestLoadsBackAsFloat32WithinBf16Rounding() throws Exception {
    try (SequenceClassifier model = TinySetup.model(0f, 5)) {
      model.save(dir.resolve("bf16"), Precision.BF16);
      String header = new String(Files.readAllBytes(dir.resolve("bf16/model.safetensors")), 0,
          4000, StandardCharsets.ISO_8859_1);
      assertThat(header).contains("\"BF16\"").doesNotContain("\"F32\"");
      try (SequenceClassifier loaded =
          dev.finetune.core.model.Encoders.load(dir.resolve("bf16")).classifier().build()) {
        assertThat(loaded.parameters().all())
            .allMatch(p -> p.parameter().getArray().getDataType() == DataType.FLOAT32);
        Map<String, float[]> before = TinySetup.snapshot(model);
        TinySetup.snapshot(loaded).forEach((name, values) -> {
          float[] original = before.get(name);
          for (int i = 0; i < values.length; i++) {
            // bfloat16 keeps 8 significant bits: rounding to nearest is within 2^-8 relative
            assertThat((double) Math.abs(values[i] - original[i]))
                .as("%s[%d]", name, i).isLessThanOrEqualTo(Math.abs(original[i]) / 256.0);
          }
        });
      }
    }
  }

  @Test
  void precisionNamesParseAndAnUnknownOneIsNamed() {
    assertThat(Precision.parse("bfloat16")).isEqualTo(Precision.BF16);
    assertThat(Precision.parse(" FP16 ")).isEqualTo(Precision.FP16);
    assertThat(TrainingSettings.find("--precision").convert("bf16", "--precision"))
        .isEqualTo(Precision.BF16);
    assertThatThrownBy(() -> Precision.parse("fp8")).hasMessageContaining("fp32, bf16 or fp16");
  }

  private static final class Run {
    final List<Double> losses = new ArrayList<>();
    final List<Boolean> movedAt = new ArrayList<>();
    final List<DataType> dtypes = new ArrayList<>();
    TrainingReport report;
  }

  /**
   * 20 steps (80 examples, batch 8, 2 epochs) of the toy task with dropout; with
   * {@code overflowStep} >= 0 that step's loss is multiplied by 1e30, whose gradient overflows
   * float16 (finite in float32).
   */
  private Run fit(Precision precision, long overflowStep, Path saveTo) throws Exception {
    Run run = new Run();
    AtomicLong step = new AtomicLong(-1);
    Loss crossEntropy = Losses.forProblem(dev.finetune.core.model.ProblemType.SINGLE_LABEL_CLASSIFICATION);
    Loss injecting = (logits, labels) -> {
      NDArray value = crossEntropy.compute(logits, labels);
      return step.get() == overflowStep ? value.mul(1e30f) : value;
    };
    try (SequenceClassifier model = TinySetup.model(0.1f, 23)) {
      TrainingListener recorder = new TrainingListener() {
        Map<String, float[]> before;

        @Override
        public void onStepStart(TrainingContext context) {
          step.set(context.globalStep());
          before = TinySetup.snapshot(context.model());
        }

        @Override
        public void onStepEnd(TrainingContext context, double loss) {
          step.set(-1);
          run.losses.add(loss);
          Map<String, float[]> after = TinySetup.snapshot(context.model());
          run.movedAt.add(before.entrySet().stream()
              .anyMatch(e -> TinySetup.maxAbsDiff(e.getValue(), after.get(e.getKey())) > 0));
        }
      };
      run.report = FineTune.of(model).tokenizer(TOKENIZER.get()).learningRate(2e-3).epochs(2)
          .batchSize(8).progressBar(false).precision(precision).loss(injecting)
          .callbacks(recorder)
          .fit(TinySetup.toyTask("toy", 80, 31), TinySetup.toyTask("dev", 16, 32));
      for (ModelParameter p : model.parameters().all()) {
        run.dtypes.add(p.parameter().getArray().getDataType());
      }
      if (saveTo != null) {
        model.save(saveTo);
      }
    }
    return run;
  }
}
