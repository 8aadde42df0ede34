package dev.finetune.core.train.callbacks;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.Optimizer;
import dev.finetune.core.params.ModelParameters;
import dev.finetune.core.report.EvaluationRecord;
import dev.finetune.core.train.TrainingConfig;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.schedules.LrSchedule;
import java.util.Map;
import java.util.Set;

/** A context without a model: epoch, resumed flag and stop requests only; the rest throws. */
final class FakeContext implements TrainingContext {
  int epoch;
  boolean resumed;
  String stopReason;

  @Override public SequenceClassifier model() { throw new UnsupportedOperationException(); }
  @Override public ModelParameters parameters() { throw new UnsupportedOperationException(); }
  @Override public int numLayers() { throw new UnsupportedOperationException(); }
  @Override public boolean resumed() { return resumed; }
  @Override public Set<String> trainableAtStart() { throw new UnsupportedOperationException(); }
  @Override public TrainingConfig config() { throw new UnsupportedOperationException(); }
  @Override public int epoch() { return epoch; }
  @Override public long globalStep() { return epoch * 10L; }
  @Override public long stepsPerEpoch() { return 10; }
  @Override public long totalSteps() { throw new UnsupportedOperationException(); }
  @Override public double learningRate() { throw new UnsupportedOperationException(); }
  @Override public void overrideSchedule(LrSchedule schedule) { throw new UnsupportedOperationException(); }
  @Override public Map<String, Double> latestMetrics() { throw new UnsupportedOperationException(); }
  @Override public Map<String, Double> evaluate() { throw new UnsupportedOperationException(); }
  @Override public void addEvaluation(EvaluationRecord record) { throw new UnsupportedOperationException(); }
  @Override public Optimizer optimizer() { throw new UnsupportedOperationException(); }
  @Override public void requestStop(String reason) { if (stopReason == null) { stopReason = reason; } }
  @Override public boolean stopRequested() { return stopReason != null; }
}
