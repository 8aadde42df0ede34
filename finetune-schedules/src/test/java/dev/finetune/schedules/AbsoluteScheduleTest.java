package dev.finetune.schedules;

import static dev.finetune.schedules.Close.close;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Absolute and relative schedules, and {@link LrSchedule#atBaseLr(double)} (1e-9 relative). */
class AbsoluteScheduleTest {

  private static final double BASE = 2e-5;
  private static final int TOTAL = 100;
  /** {@code lr=} as an argument of its own, not the tail of {@code max_lr=} or {@code swa_lr=}. */
  private static final Pattern EXPLICIT_LR = Pattern.compile("(?<![A-Za-z_])lr\\s*=");

  /** The round-trip specs and a minimal one per name, except those that pin {@code lr=}. */
  static Stream<String> specsTakingTheBaseLr() {
    List<String> all = new ArrayList<>(SpecRoundTripTest.specs());
    all.addAll(List.of("StepLR(step_size=7)", "CosineAnnealingLR(T_max=30, eta_min=1e-6)",
        "SWALR(swa_lr=1e-6, anneal_epochs=20)", "polynomial_decay_with_warmup(num_warmup_steps=5)",
        "slanted_triangular", "constant", "OneCycleLR(max_lr=1e-4)",
        "SequentialLR(schedulers=[constant, OneCycleLR(max_lr=1e-4)], milestones=[20])",
        "warmup(OneCycleLR(max_lr=1e-4), num_warmup_steps=10)",
        "per_epoch(CosineAnnealingWarmRestarts(T_0=2, eta_min=1e-6), steps_per_epoch=10)"));
    return all.stream().filter(s -> !EXPLICIT_LR.matcher(s).find());
  }

  @ParameterizedTest
  @MethodSource("specsTakingTheBaseLr")
  void parsingWithTheBaseLrEqualsParsingThenResolvingAtIt(String spec) {
    LrSchedule withBase = Schedules.parse(spec, BASE);
    LrSchedule resolved = Schedules.parse(spec).atBaseLr(BASE);
    for (int t = 0; t < TOTAL; t++) {
      close(resolved.lr(t, TOTAL), withBase.lr(t, TOTAL));
      assertThat(resolved.momentum(t, TOTAL)).isEqualTo(withBase.momentum(t, TOTAL));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "OneCycleLR(max_lr=1e-4)|true",
    "CyclicLR(base_lr=1e-5, max_lr=1e-4)|true",
    "warmup(OneCycleLR(max_lr=1e-4), num_warmup_steps=10)|true",
    "scaled(CyclicLR(base_lr=1e-5, max_lr=1e-4), factor=0.5)|true",
    "per_epoch(OneCycleLR(max_lr=1e-4), steps_per_epoch=10)|true",
    "SequentialLR(schedulers=[OneCycleLR(max_lr=1e-4), CyclicLR(base_lr=0, max_lr=1e-5)], milestones=[50])|true",
    "SequentialLR(schedulers=[constant, OneCycleLR(max_lr=1e-4)], milestones=[20])|false",
    "SWALR(swa_lr=1e-6)|false",
    "CosineAnnealingLR(T_max=10, eta_min=1e-6)|false",
    "polynomial_decay_with_warmup(num_warmup_steps=5)|false",
    "slanted_triangular|false",
    "constant|false",
    "linear_with_warmup(warmup_ratio=0.1)|false",
    "warmup(StepLR(step_size=3), num_warmup_steps=2)|false",
    "StepLR(step_size=3)|false"})
  void onlySchedulesThatTakeNothingFromTheOptimizerAreAbsolute(String spec, boolean absolute) {
    LrSchedule s = Schedules.parse(spec);
    assertThat(s.absolute()).as(spec).isEqualTo(absolute);
    if (absolute) {
      assertThat(s.atBaseLr(BASE)).isEqualTo(s);
    }
  }

  @Test
  void oneCyclePeaksAtItsMaxLrWhateverTheBaseLr() {
    LrSchedule s = Schedules.oneCycle(1e-4).atBaseLr(BASE);
    close(s.lr(29, TOTAL), 1e-4);
    close(s.lr(0, TOTAL), 1e-4 / 25);
  }

  @Test
  void relativeSchedulesScaleTheBaseLrAndKeepTheirAbsoluteFloors() {
    close(Schedules.warmup(0.1).thenLinearDecay().atBaseLr(BASE).lr(10, TOTAL), BASE);
    LrSchedule cosine = new CosineAnnealingLr(10, 1e-6, 1.0).atBaseLr(BASE);
    close(cosine.lr(0), BASE);
    close(cosine.lr(10), 1e-6);
    LrSchedule swa = new SwaLr(1e-6, 10, Anneal.LINEAR, 1.0).atBaseLr(BASE);
    close(swa.lr(0), BASE);
    close(swa.lr(10), 1e-6);
  }

  @Test
  void aSequenceResolvesEachPartByItsOwnKind() {
    LrSchedule s = Schedules.constant(1.0).then(10, Schedules.oneCycle(0.01)).atBaseLr(BASE);
    close(s.lr(9, 110), BASE);
    close(s.lr(39, 110), 0.01);
  }

  @Test
  void aWarmUpRampsToAnAbsoluteScheduleUnscaled() {
    LrSchedule s = Schedules.warmupSteps(10).then(Schedules.oneCycle(1e-4)).atBaseLr(BASE);
    close(s.lr(5, 110), 0.5 * 1e-4 / 25);
    close(s.lr(39, 110), 1e-4);
  }

  @Test
  void aNegativeBaseLrIsRefusedByName() {
    assertThatThrownBy(() -> Schedules.oneCycle(1e-4).atBaseLr(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseLr=-1.0");
    assertThatThrownBy(() -> Schedules.constant(1.0).atBaseLr(Double.NaN))
        .hasMessageContaining("baseLr=NaN");
  }
}
