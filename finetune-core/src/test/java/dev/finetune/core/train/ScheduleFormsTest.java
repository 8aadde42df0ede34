package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.finetune.schedules.Anneal;
import dev.finetune.schedules.ConstantLr;
import dev.finetune.schedules.CosineAnnealingLr;
import dev.finetune.schedules.CosineAnnealingWarmRestarts;
import dev.finetune.schedules.CosineWithHardRestartsWithWarmup;
import dev.finetune.schedules.CyclicLr;
import dev.finetune.schedules.ExponentialLr;
import dev.finetune.schedules.InverseSqrt;
import dev.finetune.schedules.LinearLr;
import dev.finetune.schedules.LrSchedule;
import dev.finetune.schedules.MultiStepLr;
import dev.finetune.schedules.PolynomialDecayWithWarmup;
import dev.finetune.schedules.PolynomialLr;
import dev.finetune.schedules.Schedules;
import dev.finetune.schedules.StepLr;
import dev.finetune.schedules.SwaLr;
import dev.finetune.schedules.WarmupLength;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A schedule given as an object and the same schedule given as a spec string reach the trainer
 * as the same learning rates ({@link TrainingConfig#absoluteSchedule()}), with a base LR that is
 * not 1: relative schedules scale it, the LRs a schedule carries stay.
 */
class ScheduleFormsTest {

  private static final double BASE_LR = 2e-5;
  private static final int TOTAL = 120;

  static List<Arguments> pairs() {
    return List.of(
        Arguments.of(Schedules.oneCycle(1e-4), "OneCycleLR(max_lr=1e-4)"),
        Arguments.of(Schedules.oneCycle(1e-4).withPctStart(0.1).withAnneal(Anneal.LINEAR)
            .withThreePhase(true), "OneCycleLR(max_lr=1e-4, pct_start=0.1, "
            + "anneal_strategy='linear', three_phase=True)"),
        Arguments.of(CyclicLr.triangular(1e-5, 1e-4, 10), "CyclicLR(base_lr=1e-5, max_lr=1e-4, "
            + "step_size_up=10)"),
        Arguments.of(Schedules.warmup(0.1).thenLinearDecay(), "linear_with_warmup(warmup_ratio=0.1)"),
        Arguments.of(Schedules.linearWithWarmup(10, 1.0),
            "get_linear_schedule_with_warmup(optimizer, num_warmup_steps=10)"),
        Arguments.of(Schedules.warmup(0.1).thenCosineDecay(), "cosine(warmup_ratio=0.1)"),
        Arguments.of(Schedules.cosineWithWarmup(10, 1.0), "cosine_with_warmup(num_warmup_steps=10)"),
        Arguments.of(Schedules.warmupSteps(5).thenConstant(), "constant_with_warmup(num_warmup_steps=5)"),
        Arguments.of(Schedules.constant(1.0), "constant"),
        Arguments.of(Schedules.slantedTriangular(1.0), "slanted_triangular"),
        Arguments.of(new CosineWithHardRestartsWithWarmup(WarmupLength.steps(10), OptionalLong.empty(),
            3, 1.0), "cosine_with_restarts(num_warmup_steps=10, num_cycles=3)"),
        Arguments.of(new PolynomialDecayWithWarmup(WarmupLength.steps(10), OptionalLong.empty(), 1e-7,
            2.0, 1.0), "polynomial(num_warmup_steps=10, power=2.0)"),
        Arguments.of(InverseSqrt.of(10, 1.0), "inverse_sqrt(num_warmup_steps=10)"),
        Arguments.of(new StepLr(10, 0.5, 1.0), "StepLR(step_size=10, gamma=0.5)"),
        Arguments.of(new MultiStepLr(List.of(30L, 60L), 0.1, 1.0), "MultiStepLR(milestones=[30, 60])"),
        Arguments.of(new ConstantLr(0.5, 10, 1.0), "ConstantLR(factor=0.5, total_iters=10)"),
        Arguments.of(new LinearLr(0.1, 1.0, 10, 1.0), "LinearLR(start_factor=0.1, total_iters=10)"),
        Arguments.of(new ExponentialLr(0.95, 1.0), "ExponentialLR(gamma=0.95)"),
        Arguments.of(new PolynomialLr(50, 2.0, 1.0), "PolynomialLR(total_iters=50, power=2.0)"),
        Arguments.of(new CosineAnnealingLr(50, 1e-6, 1.0), "CosineAnnealingLR(T_max=50, eta_min=1e-6)"),
        Arguments.of(new CosineAnnealingWarmRestarts(10, 2, 1e-6, 1.0),
            "CosineAnnealingWarmRestarts(T_0=10, T_mult=2, eta_min=1e-6)"),
        Arguments.of(new SwaLr(1e-6, 20, Anneal.COS, 1.0), "SWALR(swa_lr=1e-6, anneal_epochs=20)"),
        Arguments.of(Schedules.warmupSteps(10).then(Schedules.oneCycle(1e-4)),
            "warmup(OneCycleLR(max_lr=1e-4), num_warmup_steps=10)"),
        Arguments.of(Schedules.constant(1.0).then(20, Schedules.oneCycle(1e-4)),
            "SequentialLR(schedulers=[constant, OneCycleLR(max_lr=1e-4)], milestones=[20])"),
        Arguments.of(new StepLr(1, 0.5, 1.0).perEpoch(10),
            "per_epoch(StepLR(step_size=1, gamma=0.5), steps_per_epoch=10)"),
        Arguments.of(Schedules.oneCycle(1.0).scaled(1e-4),
            "scaled(OneCycleLR(max_lr=1.0), factor=1e-4)"));
  }

  private static LrSchedule fromObject(LrSchedule schedule) {
    return TrainingConfig.builder().learningRate(BASE_LR).schedule(schedule).build()
        .absoluteSchedule();
  }

  private static LrSchedule fromSpec(String spec) {
    return TrainingConfig.builder().learningRate(BASE_LR).scheduleSpec(spec).build()
        .absoluteSchedule();
  }

  @ParameterizedTest
  @MethodSource("pairs")
  void theObjectFormGivesTheLrTraceOfTheSpecForm(LrSchedule object, String spec) {
    LrSchedule a = fromObject(object);
    LrSchedule b = fromSpec(spec);
    for (int t = 0; t < TOTAL; t++) {
      double expected = b.lr(t, TOTAL);
      assertThat(a.lr(t, TOTAL)).as("%s at step %d", spec, t)
          .isCloseTo(expected, expected == 0 ? withinPercentage(0) : withinPercentage(1e-7));
      assertThat(a.momentum(t, TOTAL)).isEqualTo(b.momentum(t, TOTAL));
    }
  }

  @Test
  void thePairsCoverEveryScheduleName() {
    Set<String> covered = pairs().stream()
        .map(p -> Schedules.parse((String) p.get()[1]).toString())
        .map(s -> s.substring(0, s.indexOf('(')))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(covered).containsAll(Schedules.names());
  }

  @Test
  void oneCycleAsAnObjectPeaksAtItsMaxLrNotAtMaxLrTimesTheBaseLr() {
    LrSchedule s = fromObject(Schedules.oneCycle(1e-4));
    assertThat(s.lr(35, TOTAL)).isCloseTo(1e-4, withinPercentage(1e-7)); // pct_start 0.3: step 35
  }

  @Test
  void theDefaultWarmUpAndDecayPeaksAtTheBaseLr() {
    LrSchedule s = TrainingConfig.builder().learningRate(BASE_LR).build().absoluteSchedule();
    assertThat(s.lr(12, TOTAL)).isCloseTo(BASE_LR, withinPercentage(1e-7)); // 10% of 120 steps
  }
}
