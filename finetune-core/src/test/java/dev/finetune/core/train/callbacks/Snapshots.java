package dev.finetune.core.train.callbacks;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.train.TrainingContext;
import dev.finetune.core.train.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: copies of every parameter's values, and a listener that takes them during a fit. */
final class Snapshots {

  private Snapshots() {}

  static Map<String, float[]> of(SequenceClassifier model) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      out.put(p.hfName(), p.parameter().getArray().toFloatArray());
    }
    return out;
  }

  /** Records snapshots after every step and every epoch, and the LR before every step. */
  static final class Recorder implements TrainingListener {
    final List<Map<String, float[]>> afterStep = new ArrayList<>();
    final List<Map<String, float[]>> afterEpoch = new ArrayList<>();
    final List<Double> lrBeforeStep = new ArrayList<>();
    final List<Map<String, Double>> evaluations = new ArrayList<>();
    Map<String, float[]> atFitStart;

    @Override
    public void onFitStart(TrainingContext context) {
      atFitStart = of(context.model());
    }

    @Override
    public void onStepStart(TrainingContext context) {
      lrBeforeStep.add(context.learningRate());
    }

    @Override
    public void onStepEnd(TrainingContext context, double loss) {
      afterStep.add(of(context.model()));
    }

    @Override
    public void onEvaluationEnd(TrainingContext context, Map<String, Double> metrics) {
      evaluations.add(metrics);
    }

    @Override
    public void onEpochEnd(TrainingContext context, EpochRecord record) {
      afterEpoch.add(of(context.model()));
    }
  }
}
