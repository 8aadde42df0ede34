package dev.finetune.core.train;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of an LR range test ({@link LrFinder}): the learning rate and training loss of every
 * step, the smoothed loss (fastai's exponential moving average with bias correction), whether the
 * sweep stopped because the loss diverged, and two suggestions computed on the smoothed loss as
 * fastai's {@code lr_find} does: {@code steepest} (the LR where the loss falls fastest against
 * log LR) and {@code valley} (the point two thirds of the way down the longest descending stretch).
 *
 * <pre>{@code
 * LrFinderResult r = LrFinderResult.analyze(lrs, losses, 0.98, 4.0);
 * double lr = r.valley();
 * }</pre>
 *
 * @param learningRates the LR of each recorded step (up to and including a divergent one)
 * @param losses the training loss of each step
 * @param smoothedLosses the smoothed loss after each step
 * @param steepestIndex the step of the steepest descent
 * @param valleyIndex the step of the valley suggestion
 * @param diverged whether the last step's smoothed loss exceeded the divergence factor times the best
 */
public record LrFinderResult(List<Double> learningRates, List<Double> losses,
    List<Double> smoothedLosses, int steepestIndex, int valleyIndex, boolean diverged) {

  /** Copies the lists. */
  public LrFinderResult {
    learningRates = List.copyOf(learningRates);
    losses = List.copyOf(losses);
    smoothedLosses = List.copyOf(smoothedLosses);
  }

  /** @return the LR where the smoothed loss falls fastest against log LR */
  public double steepest() {
    return learningRates.get(steepestIndex);
  }

  /** @return fastai's valley suggestion */
  public double valley() {
    return learningRates.get(valleyIndex);
  }

  /**
   * The suggestion a rule names.
   *
   * @param rule {@code VALLEY} or {@code STEEPEST}
   * @return the learning rate
   * @throws IllegalArgumentException for {@code OFF}
   */
  public double suggestion(LrFinder.Rule rule) {
    return switch (rule) {
      case VALLEY -> valley();
      case STEEPEST -> steepest();
      case OFF -> throw new IllegalArgumentException("the rule 'off' suggests no learning rate");
    };
  }

  /** @return a line for logs and reports: both suggestions and the points swept */
  public String describe() {
    return String.format(java.util.Locale.ROOT, "valley %.3g, steepest %.3g (%d steps from %.3g to %.3g%s)",
        valley(), steepest(), learningRates.size(), learningRates.get(0),
        learningRates.get(learningRates.size() - 1), diverged ? ", stopped at divergence" : "");
  }

  /**
   * Smooths the losses and applies the stop rule and both suggestion rules. Points after the first
   * divergent one (smoothed loss above {@code divergence} times the best so far) are dropped, as
   * the live sweep stops there. The suggestions skip the first tenth and the last five points when
   * more than 15 remain (as fastai), so the noisy start and the divergent end do not decide them.
   *
   * @param learningRates the LR of each step, increasing
   * @param losses the raw loss of each step (non-finite values end the sweep before them)
   * @param beta the smoothing factor in [0, 1), fastai's 0.98
   * @param divergence the stop factor, fastai's 4
   * @return the result
   * @throws IllegalArgumentException when fewer than 2 finite points remain
   */
  public static LrFinderResult analyze(List<Double> learningRates, List<Double> losses, double beta,
      double divergence) {
    if (learningRates.size() != losses.size()) {
      throw new IllegalArgumentException("one loss per learning rate: " + learningRates.size()
          + " learning rates, " + losses.size() + " losses");
    }
    Smoother smoother = new Smoother(beta, divergence);
    List<Double> lrs = new ArrayList<>();
    List<Double> raw = new ArrayList<>();
    List<Double> smooth = new ArrayList<>();
    boolean diverged = false;
    for (int i = 0; i < losses.size() && Double.isFinite(losses.get(i)); i++) {
      lrs.add(learningRates.get(i));
      raw.add(losses.get(i));
      smooth.add(smoother.add(losses.get(i)));
      if (smoother.diverged()) {
        diverged = true;
        break;
      }
    }
    if (lrs.size() < 2) {
      throw new IllegalArgumentException("the LR range test needs at least 2 steps with a finite"
          + " loss, got " + lrs.size() + "; lower min_lr or raise the number of steps");
    }
    int n = lrs.size();
    int from = n > 15 ? n / 10 : 0;
    int to = n > 15 ? n - 5 : n;
    List<Double> l = smooth.subList(from, to);
    List<Double> x = lrs.subList(from, to);
    return new LrFinderResult(lrs, raw, smooth, from + steepest(x, l), from + valley(l), diverged);
  }

  /** fastai's steep: the index of the most negative d(loss)/d(log lr) between neighbours. */
  static int steepest(List<Double> lrs, List<Double> losses) {
    int best = 0;
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i + 1 < losses.size(); i++) {
      double g = (losses.get(i + 1) - losses.get(i)) / (Math.log(lrs.get(i + 1)) - Math.log(lrs.get(i)));
      if (g < min) {
        min = g;
        best = i;
      }
    }
    return best;
  }

  /**
   * fastai's valley: the longest decreasing subsequence of the losses ends at {@code end} and is
   * {@code lds[end]} long; the suggestion sits {@code int(s) + int(s / 2)} past its start, where
   * {@code s} is a third of its length.
   */
  static int valley(List<Double> losses) {
    int n = losses.size();
    int[] lds = new int[n];
    java.util.Arrays.fill(lds, 1);
    int maxStart = 0;
    int maxEnd = 0;
    for (int i = 1; i < n; i++) {
      for (int j = 0; j < i; j++) {
        if (losses.get(i) < losses.get(j) && lds[i] < lds[j] + 1) {
          lds[i] = lds[j] + 1;
        }
        if (lds[maxEnd] < lds[i]) {
          maxEnd = i;
          maxStart = maxEnd - lds[maxEnd];
        }
      }
    }
    double sections = (maxEnd - maxStart) / 3.0;
    int index = maxStart + (int) sections + (int) (sections / 2);
    return Math.max(0, Math.min(n - 1, index));
  }

  /** fastai's AvgSmoothLoss with the divergence test of its LRFinder; one place for both uses. */
  static final class Smoother {
    private final double beta;
    private final double divergence;
    private double average;
    private long count;
    private double best = Double.POSITIVE_INFINITY;
    private double last;

    Smoother(double beta, double divergence) {
      this.beta = beta;
      this.divergence = divergence;
    }

    /** Adds a loss and returns the bias-corrected smoothed loss. */
    double add(double loss) {
      count++;
      average = beta * average + (1 - beta) * loss;
      last = average / (1 - Math.pow(beta, count));
      best = Math.min(best, last);
      return last;
    }

    /** @return whether the latest smoothed loss exceeds {@code divergence} times the best */
    boolean diverged() {
      return last > divergence * best;
    }
  }
}
