package dev.finetune.schedules;

import static dev.finetune.schedules.Close.close;

import org.junit.jupiter.api.Test;

/**
 * Steps a transcription of PyTorch's chainable {@code get_lr()} recursions (one
 * {@code scheduler.step()} per optimizer step, as torch 2.x does) and checks that our closed forms
 * yield the same LRs for many steps (1e-9 relative).
 */
class TorchChainableTest {

  private static final int STEPS = 400;

  @Test
  void cosineAnnealingRecursionEqualsClosedForm() {
    double base = 0.1;
    double etaMin = 0.001;
    int tMax = 37;
    LrSchedule s = new CosineAnnealingLr(tMax, etaMin, base);
    double lr = base;
    close(s.lr(0), lr);
    for (int e = 1; e < STEPS; e++) {
      if ((e - 1 - tMax) % (2 * tMax) == 0) {
        lr = lr + (base - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
      } else {
        lr = (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax))
            * (lr - etaMin) + etaMin;
      }
      close(s.lr(e), lr);
    }
  }

  @Test
  void linearLrRecursionEqualsClosedForm() {
    double start = 0.2;
    double end = 0.9;
    int total = 50;
    LrSchedule s = new LinearLr(start, end, total, 0.05);
    double lr = 0.05 * start;
    close(s.lr(0), lr);
    for (int e = 1; e < STEPS; e++) {
      if (e <= total) {
        lr = lr * (1.0 + (end - start) / (total * start + (e - 1) * (end - start)));
      }
      close(s.lr(e), lr);
    }
  }

  @Test
  void polynomialRecursionEqualsClosedForm() {
    int total = 60;
    double power = 1.7;
    LrSchedule s = new PolynomialLr(total, power, 0.3);
    double lr = 0.3;
    for (int e = 1; e < STEPS; e++) {
      if (e <= total) {
        lr = lr * Math.pow((1.0 - (double) e / total) / (1.0 - (double) (e - 1) / total), power);
      }
      close(s.lr(e), lr);
    }
  }

  @Test
  void stepExponentialAndMultiStepRecursionsEqualClosedForms() {
    LrSchedule step = new StepLr(7, 0.8, 0.5);
    LrSchedule exp = new ExponentialLr(0.99, 0.5);
    LrSchedule multi = new MultiStepLr(java.util.List.of(30L, 100L, 100L, 250L), 0.5, 0.5);
    double a = 0.5;
    double b = 0.5;
    double c = 0.5;
    for (int e = 1; e < STEPS; e++) {
      if (e % 7 == 0) {
        a *= 0.8;
      }
      b *= 0.99;
      if (e == 30 || e == 250) {
        c *= 0.5;
      } else if (e == 100) {
        c *= 0.25;
      }
      close(step.lr(e), a);
      close(exp.lr(e), b);
      close(multi.lr(e), c);
    }
  }

  @Test
  void warmRestartsStepCountingEqualsClosedForm() {
    int t0 = 7;
    int tMult = 3;
    LrSchedule s = new CosineAnnealingWarmRestarts(t0, tMult, 0.01, 0.2);
    long tCur = 0;
    long ti = t0;
    for (int e = 0; e < STEPS; e++) {
      if (e > 0) {
        tCur += 1;
        if (tCur >= ti) {
          tCur = tCur % ti;
          ti = ti * tMult;
        }
      }
      close(s.lr(e), 0.01 + (0.2 - 0.01) * (1 + Math.cos(Math.PI * tCur / ti)) / 2);
    }
  }

  @Test
  void swaLrRecursionEqualsClosedForm() {
    for (int annealEpochs : new int[] {0, 1, 13}) {
      for (Anneal anneal : Anneal.values()) {
        double swa = 0.02;
        LrSchedule s = new SwaLr(swa, annealEpochs, anneal, 0.3);
        double lr = 0.3; // group['lr'] before the first get_lr()
        for (int stepCount = 1; stepCount < 60; stepCount++) {
          int step = stepCount - 1;
          if (annealEpochs == 0) {
            step = Math.max(1, step);
          }
          double prevT = Math.max(0, Math.min(1, (step - 1) / (double) Math.max(1, annealEpochs)));
          double prevAlpha = anneal.alpha(prevT);
          double prevLr = prevAlpha == 1 ? swa : (lr - prevAlpha * swa) / (1 - prevAlpha);
          double t = Math.max(0, Math.min(1, step / (double) Math.max(1, annealEpochs)));
          double alpha = anneal.alpha(t);
          lr = swa * alpha + prevLr * (1 - alpha);
          close(s.lr(stepCount - 1), lr);
        }
      }
    }
  }
}
