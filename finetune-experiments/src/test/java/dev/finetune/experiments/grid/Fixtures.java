package dev.finetune.experiments.grid;

import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.core.report.TrainingReport;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hand-made cell results with known numbers, for tests that need no training. */
public final class Fixtures {

  private Fixtures() {}

  /** An epoch with the given accuracy, loss and seconds; 1 GiB RSS; 1000 trainable of 5000. */
  public static EpochRecord epoch(int epoch, double accuracy, double loss, double seconds, long trainable) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("accuracy", accuracy);
    metrics.put("f1", accuracy - 0.01);
    metrics.put("mcc", accuracy - 0.5);
    return EpochRecord.builder(epoch).steps(10L * epoch).trainLoss(loss + 0.1).validationLoss(loss)
        .validationMetrics(metrics).learningRate(1e-4).seconds(seconds).tokensPerSecond(500)
        .memory(512L << 20, 1L << 30, -1).parameters(trainable, 5000).build();
  }

  /**
   * A two-epoch result.
   *
   * @param method the "method" axis value
   * @param seed the seed
   * @param acc1 accuracy after epoch 1
   * @param acc2 accuracy after epoch 2
   * @param loss2 validation loss after epoch 2
   * @param trainable trainable parameters
   */
  public static CellResult result(String method, long seed, double acc1, double acc2, double loss2, long trainable) {
    TrainingReport.Builder report = TrainingReport.builder().model("tiny").method(method).device("cpu()")
        .seed(seed).setting("epochs", 2)
        .epoch(epoch(1, acc1, loss2 + 0.2, 10, trainable))
        .epoch(epoch(2, acc2, loss2, 12, trainable));
    if (method.equals("swa")) {
      report.extraRow(new EvaluationRecord("swa", 2, loss2, Map.of("accuracy", acc2 + 0.01)));
    }
    Map<String, String> axes = new LinkedHashMap<>();
    axes.put("method", method);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("train_size", "100");
    settings.put("absolute_schedule", "linear_with_warmup(num_warmup_steps=2,lr=0.0001)");
    return new CellResult(CellId.cell(axes, seed), CellId.configuration(axes), seed, axes, settings,
        report.build());
  }
}
