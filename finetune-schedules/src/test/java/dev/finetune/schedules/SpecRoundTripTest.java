package dev.finetune.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every schedule's toString() parses back to an equal schedule with identical values. */
class SpecRoundTripTest {

  static List<String> specs() {
    return List.of(
        "StepLR(step_size=30, gamma=0.1, lr=0.05)",
        "MultiStepLR(milestones=[80, 30], gamma=0.5)",
        "ConstantLR(factor=0.25, total_iters=3)",
        "LinearLR(start_factor=0.1, end_factor=0.9, total_iters=10, lr=1e-3)",
        "ExponentialLR(gamma=0.95)",
        "PolynomialLR(total_iters=40, power=2.0)",
        "CosineAnnealingLR(T_max=50, eta_min=1e-6, lr=0.1)",
        "CosineAnnealingWarmRestarts(T_0=10, T_mult=2, eta_min=1e-5)",
        "CyclicLR(base_lr=0.001, max_lr=0.01, step_size_up=20, mode=triangular2)",
        "CyclicLR(base_lr=0.001, max_lr=0.01, step_size_up=20, step_size_down=5, mode='exp_range', "
            + "gamma=0.99, cycle_momentum=False)",
        "OneCycleLR(max_lr=0.01, total_steps=100, pct_start=0.25, anneal_strategy=linear)",
        "OneCycleLR(max_lr=0.01, three_phase=True, div_factor=10., final_div_factor=1e3)",
        "SWALR(swa_lr=0.05, anneal_epochs=5, anneal_strategy='linear', lr=0.1)",
        "SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=10), "
            + "CosineAnnealingLR(T_max=90)], milestones=[10])",
        "constant(lr=2e-5)",
        "constant_with_warmup(num_warmup_steps=10)",
        "linear_with_warmup(num_warmup_steps=10, num_training_steps=100, lr=2e-5)",
        "linear_with_warmup(warmup_ratio=0.06)",
        "cosine_with_warmup(num_warmup_steps=10, num_training_steps=100, num_cycles=0.5)",
        "cosine_with_hard_restarts_with_warmup(num_warmup_steps=10, num_cycles=3)",
        "polynomial_decay_with_warmup(num_warmup_steps=10, num_training_steps=100, lr_end=1e-7, "
            + "power=2.0, lr=1e-3)",
        "inverse_sqrt(num_warmup_steps=100)",
        "slanted_triangular(num_training_steps=100, cut_frac=0.1, ratio=32, lr=0.01)",
        "warmup(CosineAnnealingLR(T_max=90, lr=0.1), num_warmup_steps=10)",
        "warmup(ExponentialLR(gamma=0.9), warmup_ratio=0.1, mode=constant, start_factor=0.5)",
        "scaled(OneCycleLR(max_lr=1.0, total_steps=100), factor=3e-4)",
        "per_epoch(StepLR(step_size=2, gamma=0.5), steps_per_epoch=25)");
  }

  @ParameterizedTest
  @MethodSource("specs")
  void toStringParsesBackToAnEqualSchedule(String spec) {
    LrSchedule s = Schedules.parse(spec);
    LrSchedule again = Schedules.parse(s.toString());
    assertThat(again).isEqualTo(s).hasSameHashCodeAs(s);
    assertThat(again.toString()).isEqualTo(s.toString());
    for (int step = 0; step < 100; step++) {
      assertThat(again.lr(step, 100)).isEqualTo(s.lr(step, 100));
      assertThat(again.momentum(step, 100)).isEqualTo(s.momentum(step, 100));
    }
  }

  @Test
  void everyRegisteredScheduleIsCovered() {
    Set<Class<?>> covered = new HashSet<>();
    for (String spec : specs()) {
      covered.add(Schedules.parse(spec).getClass());
    }
    Set<Class<?>> all = new HashSet<>();
    for (String name : Schedules.names()) {
      String minimal = switch (name) {
        case "StepLR" -> "StepLR(step_size=1)";
        case "MultiStepLR" -> "MultiStepLR(milestones=[1])";
        case "ExponentialLR" -> "ExponentialLR(gamma=0.5)";
        case "CosineAnnealingLR" -> "CosineAnnealingLR(T_max=1)";
        case "CosineAnnealingWarmRestarts" -> "CosineAnnealingWarmRestarts(T_0=1)";
        case "CyclicLR" -> "CyclicLR(base_lr=0.1, max_lr=1)";
        case "OneCycleLR" -> "OneCycleLR(max_lr=1)";
        case "SWALR" -> "SWALR(swa_lr=0.1)";
        case "SequentialLR" -> "SequentialLR(schedulers=[constant], milestones=[])";
        case "constant_with_warmup", "linear_with_warmup", "cosine_with_warmup",
            "cosine_with_hard_restarts_with_warmup", "polynomial_decay_with_warmup",
            "inverse_sqrt" -> name + "(num_warmup_steps=1)";
        case "warmup" -> "warmup(constant, num_warmup_steps=1)";
        case "scaled" -> "scaled(constant, factor=2)";
        case "per_epoch" -> "per_epoch(constant, steps_per_epoch=2)";
        default -> name;
      };
      all.add(Schedules.parse(minimal).getClass());
    }
    assertThat(covered).containsAll(all);
  }

  @Test
  void javaFactoriesRoundTripToo() {
    List<LrSchedule> built = List.of(
        Schedules.warmup(0.1).thenLinearDecay(),
        Schedules.warmupSteps(100).thenCosineDecay().scaled(2e-5),
        Schedules.warmup(0.05).thenConstant(),
        Schedules.warmupSteps(10).then(new CosineAnnealingLr(90, 0, 1.0)),
        Schedules.oneCycle(0.01).withTotalSteps(1000).withPctStart(0.1).withAnneal(Anneal.LINEAR)
            .withThreePhase(true),
        CyclicLr.triangular(0.001, 0.01, 50).withMode(CyclicLr.Mode.TRIANGULAR2),
        Schedules.constant(1e-3).then(10, new ExponentialLr(0.9, 1e-3)).then(20,
            Schedules.constant(1e-5)),
        new StepLr(1, 0.5, 1.0).perEpoch(100).withWarmup(50));
    for (LrSchedule s : built) {
      assertThat(Schedules.parse(s.toString())).as(s.toString()).isEqualTo(s);
    }
  }
}
