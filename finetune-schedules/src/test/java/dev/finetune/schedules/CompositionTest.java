package dev.finetune.schedules;

import static dev.finetune.schedules.Close.close;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Warm-up, sequencing, scaling and per-epoch stepping (1e-9 relative). */
class CompositionTest {

  @Test
  void linearWarmupThenTheInnerScheduleFromItsStepZero() {
    LrSchedule s = Schedules.parse("warmup(CosineAnnealingLR(T_max=90, lr=0.1), num_warmup_steps=10)");
    close(s.lr(0), 0.0);
    close(s.lr(5), 0.05);
    close(s.lr(10), 0.1);
    close(s.lr(55), 0.05);
    close(s.lr(100), 0.0);
  }

  @Test
  void constantWarmupAndRatioWarmupUseTheRemainingSteps() {
    LrSchedule c = Schedules.parse(
        "warmup(ExponentialLR(gamma=0.5, lr=0.2), num_warmup_steps=4, mode=constant, start_factor=0.25)");
    close(c.lr(3), 0.05);
    close(c.lr(5), 0.1);
    // ratio: W = ceil(0.1 * 200) = 20; the inner linear decay spans the remaining 180 steps
    LrSchedule r = Schedules.warmup(0.1).then(
        Schedules.parse("linear_with_warmup(num_warmup_steps=0)"));
    close(r.lr(10, 200), 0.5);
    close(r.lr(110, 200), 0.5);
    close(r.lr(200, 200), 0.0);
  }

  @Test
  void javaWarmupBuilderEqualsHuggingFace() {
    LrSchedule built = Schedules.warmup(0.1).thenLinearDecay().scaled(2e-5);
    LrSchedule hf = Schedules.parse("linear_with_warmup(num_warmup_steps=100, num_training_steps=1000)", 2e-5);
    for (int t = 0; t < 1000; t += 7) {
      close(built.lr(t, 1000), hf.lr(t, 1000));
    }
  }

  @Test
  void sequentialHandsOverAtTheMilestoneAndForwardsMomentum() {
    LrSchedule s = Schedules.constant(0.1).then(10, Schedules.parse("OneCycleLR(max_lr=0.01)"));
    close(s.lr(9, 110), 0.1);
    close(s.lr(10, 110), 0.0004); // OneCycle at its step 0, spanning the remaining 100 steps
    close(s.lr(39, 110), 0.01);
    assertThat(s.momentum(5, 110)).isEmpty();
    close(s.momentum(39, 110).getAsDouble(), 0.85);
  }

  @Test
  void scaledMultipliesAndKeepsMomentum() {
    LrSchedule s = Schedules.parse("scaled(OneCycleLR(max_lr=1.0, total_steps=100), factor=0.01)");
    close(s.lr(29), 0.01);
    close(s.momentum(29, 100).getAsDouble(), 0.85);
  }

  @Test
  void perEpochStepsTheInnerScheduleOncePerEpoch() {
    LrSchedule s = Schedules.parse("per_epoch(StepLR(step_size=1, gamma=0.5), steps_per_epoch=100)");
    close(s.lr(99), 1.0);
    close(s.lr(100), 0.5);
    close(s.lr(250), 0.25);
    // the inner total is the number of epochs, rounded up
    LrSchedule oneCycle = Schedules.parse("per_epoch(OneCycleLR(max_lr=1.0, pct_start=0.5), steps_per_epoch=10)");
    close(oneCycle.lr(45, 100), 1.0); // epoch 4 of 10 ends phase 1 (0.5 * 10 - 1)
  }

  @Test
  void valuesTabulatesEveryStep() {
    double[] v = Schedules.parse("linear_with_warmup(num_warmup_steps=2)").values(4);
    assertThat(v).containsExactly(0.0, 0.5, 1.0, 0.5);
  }
}
