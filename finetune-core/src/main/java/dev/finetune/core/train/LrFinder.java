package dev.finetune.core.train;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.NoGradScope;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.schedules.LrSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LR range test (Smith 2017, "Cyclical learning rates"; fastai's {@code lr_find}): trains
 * with the chain's settings (optimizer, LR policy, PEFT methods, batch size, clipping) while the
 * learning rate grows exponentially from {@code minLr} to {@code maxLr} over {@code steps}
 * optimizer steps, records the training loss of each step, and stops early when the smoothed loss
 * exceeds {@code divergence} times the best one. Then every weight and trainable flag is restored,
 * so the model is as it was (the chain's PEFT methods stay installed, as {@code fit} would install
 * them; {@code fit} does not install them again). Suggestions: {@link LrFinderResult}.
 *
 * <p>From the chain: {@code FineTune.findLearningRate(train)}; or the setting {@code lrFinder}
 * ({@code lr_finder} in grid files, {@code --lr-finder} on the command line) makes {@code fit}
 * run it first and train with its {@code valley} or {@code steepest} suggestion.
 *
 * <pre>{@code
 * LrFinderResult r = FineTune.of(model).batchSize(16).peft(Peft.lora().r(8))
 *     .findLearningRate(train, LrFinder.builder().minLr(1e-7).maxLr(1).steps(200).build());
 * System.out.println(r.describe());   // valley 3.1e-04, steepest 1.2e-03 (...)
 * }</pre>
 */
public final class LrFinder {

  private static final Logger LOG = LoggerFactory.getLogger(LrFinder.class);

  /** Which suggestion the {@code lrFinder} setting trains with, or {@code off}. */
  public enum Rule {
    /** No range test. */
    OFF,
    /** fastai's valley suggestion. */
    VALLEY,
    /** The steepest descent of the smoothed loss. */
    STEEPEST;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @return the names: off, valley, steepest */
    public static String names() {
      return String.join(", ", Arrays.stream(values()).map(Rule::toString).toList());
    }

    /**
     * Reads a name.
     *
     * @param text off, valley or steepest
     * @return the rule
     * @throws IllegalArgumentException for another name
     */
    public static Rule parse(String text) {
      for (Rule r : values()) {
        if (r.toString().equals(text.trim().toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
      throw new IllegalArgumentException("unknown LR finder rule '" + text + "'; use one of " + names());
    }
  }

  private final double minLr;
  private final double maxLr;
  private final int steps;
  private final double smoothing;
  private final double divergence;

  private LrFinder(Builder b) {
    minLr = b.minLr;
    maxLr = b.maxLr;
    steps = b.steps;
    smoothing = b.smoothing;
    divergence = b.divergence;
  }

  /** @return a builder with fastai's defaults: 1e-7 to 10 over 100 steps, beta 0.98, stop at 4x */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the defaults */
  public static LrFinder defaults() {
    return builder().build();
  }

  /** @return the first learning rate */
  public double minLr() {
    return minLr;
  }

  /** @return the last learning rate */
  public double maxLr() {
    return maxLr;
  }

  /** @return the optimizer steps of the sweep */
  public int steps() {
    return steps;
  }

  /**
   * The learning rate of a step: {@code minLr * (maxLr / minLr)^(step / (steps - 1))}.
   *
   * @param step from 0
   * @return the learning rate
   */
  public double learningRate(long step) {
    return minLr * Math.pow(maxLr / minLr, Math.min(step, steps - 1) / (double) (steps - 1));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "LrFinder(min_lr=%s, max_lr=%s, steps=%d, beta=%s, divergence=%s)",
        minLr, maxLr, steps, smoothing, divergence);
  }

  /**
   * Runs the sweep on a model whose chain's methods are installed; restores its weights and
   * trainable flags afterwards, even when the sweep fails.
   */
  LrFinderResult run(SequenceClassifier model, TrainingConfig chain, HuggingFaceTokenizer tokenizer,
      TextDataset train) {
    Recorder recorder = new Recorder();
    LrSchedule sweep = new LrSchedule() {
      @Override
      public double lr(long step, long totalSteps) {
        return learningRate(step);
      }

      @Override
      public boolean absolute() {
        return true;
      }

      @Override
      public String toString() {
        return LrFinder.this.toString();
      }
    };
    TrainingConfig config = chain.toBuilder()
        .schedule(sweep)
        .epochs(steps) // every epoch has at least one step; the recorder stops at `steps`
        .checkpointDir(null)
        .listeners(List.of(recorder))
        .set(TrainingSettings.EVALUATE_EVERY_STEPS, 0)
        .set(TrainingSettings.PROGRESS, false)
        .set(TrainingSettings.LR_FINDER, Rule.OFF)
        .build();
    List<ModelParameter> parameters = model.parameters().all();
    boolean[] trainable = new boolean[parameters.size()];
    try (NDManager saved = model.manager().newSubManager()) {
      NDList copies = new NDList(parameters.size());
      try (NoGradScope ignored = NoGradScope.enter()) {
        for (int i = 0; i < parameters.size(); i++) {
          NDArray copy = parameters.get(i).parameter().getArray().duplicate();
          copy.attach(saved);
          copies.add(copy);
          trainable[i] = parameters.get(i).isTrainable();
        }
      }
      try {
        new TrainingRun(model, config, tokenizer, train, null).run();
      } finally {
        try (NoGradScope ignored = NoGradScope.enter()) {
          for (int i = 0; i < parameters.size(); i++) {
            ModelParameter p = parameters.get(i);
            p.parameter().getArray().set(new NDIndex(":"), copies.get(i));
            if (p.isTrainable() != trainable[i]) {
              p.parameter().freeze(!trainable[i]);
            }
          }
        }
      }
    }
    LrFinderResult result = LrFinderResult.analyze(recorder.lrs, recorder.losses, smoothing, divergence);
    LOG.info("LR range test: {}", result.describe());
    return result;
  }

  /** Records each step's LR and loss; stops at the last step or when the smoothed loss diverges. */
  private final class Recorder implements TrainingListener {
    final List<Double> lrs = new ArrayList<>();
    final List<Double> losses = new ArrayList<>();
    final LrFinderResult.Smoother smoother = new LrFinderResult.Smoother(smoothing, divergence);

    @Override
    public void onStepEnd(TrainingContext context, double loss) {
      lrs.add(learningRate(context.globalStep() - 1));
      losses.add(loss);
      smoother.add(loss);
      if (smoother.diverged()) {
        context.requestStop("LR range test: the smoothed loss exceeded " + divergence + "x its best");
      } else if (context.globalStep() >= steps) {
        context.requestStop("LR range test: " + steps + " steps done");
      }
    }
  }

  /** Builder of an {@link LrFinder}; see {@link LrFinder#builder()}. */
  public static final class Builder {
    private double minLr = 1e-7;
    private double maxLr = 10;
    private int steps = 100;
    private double smoothing = 0.98;
    private double divergence = 4;

    private Builder() {}

    /** @param v the first learning rate, > 0 (default 1e-7) @return this */
    public Builder minLr(double v) {
      minLr = v;
      return this;
    }

    /** @param v the last learning rate, > minLr (default 10) @return this */
    public Builder maxLr(double v) {
      maxLr = v;
      return this;
    }

    /** @param v optimizer steps of the sweep, at least 5 (default 100; 100-300 is usual) @return this */
    public Builder steps(int v) {
      steps = v;
      return this;
    }

    /** @param v smoothing factor in [0, 1) (default fastai's 0.98) @return this */
    public Builder smoothing(double v) {
      smoothing = v;
      return this;
    }

    /** @param v stop when the smoothed loss exceeds v times its best, > 1 (default 4) @return this */
    public Builder divergence(double v) {
      divergence = v;
      return this;
    }

    /**
     * Checks and builds.
     *
     * @return the finder
     * @throws IllegalArgumentException naming the value that is out of range and its range
     */
    public LrFinder build() {
      if (!(minLr > 0) || !(maxLr > minLr) || !Double.isFinite(maxLr)) {
        throw new IllegalArgumentException("the LR range test needs 0 < min_lr < max_lr, got min_lr "
            + minLr + ", max_lr " + maxLr);
      }
      if (steps < 5) {
        throw new IllegalArgumentException("the LR range test needs at least 5 steps (100-300 is"
            + " usual), got " + steps);
      }
      if (!(smoothing >= 0 && smoothing < 1)) {
        throw new IllegalArgumentException("smoothing must be in [0, 1), got " + smoothing);
      }
      if (!(divergence > 1)) {
        throw new IllegalArgumentException("divergence must be > 1, got " + divergence);
      }
      return new LrFinder(this);
    }
  }
}
