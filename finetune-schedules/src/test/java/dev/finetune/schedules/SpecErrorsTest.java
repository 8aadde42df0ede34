package dev.finetune.schedules;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Each class of bad spec raises IllegalArgumentException naming argument, value and range. */
class SpecErrorsTest {

  @Test
  void unknownScheduleListsTheKnownOnes() {
    assertThatThrownBy(() -> Schedules.parse("StepLr2(step_size=3)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown schedule 'StepLr2'")
        .hasMessageContaining("OneCycleLR").hasMessageContaining("slanted_triangular");
  }

  @Test
  void unknownArgumentListsTheAllowedOnes() {
    assertThatThrownBy(() -> Schedules.parse("StepLR(step_size=3, gama=0.5)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("StepLR: unknown argument 'gama'")
        .hasMessageContaining("allowed: step_size, gamma, lr");
  }

  @Test
  void missingRequiredArgument() {
    assertThatThrownBy(() -> Schedules.parse("OneCycleLR(total_steps=100)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OneCycleLR: missing required argument 'max_lr'");
    assertThatThrownBy(() -> Schedules.parse("linear_with_warmup(num_training_steps=100)"))
        .hasMessageContaining("missing required argument 'num_warmup_steps'");
    assertThatThrownBy(() -> Schedules.parse("OneCycleLR(max_lr=0.1, epochs=3)"))
        .hasMessageContaining("both epochs and steps_per_epoch");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "StepLR(step_size=-3) | step_size=-3 is out of range; allowed [1, inf)",
      "StepLR(step_size=0) | step_size=0 is out of range",
      "OneCycleLR(max_lr=0.1, total_steps=100, pct_start=1.5) | pct_start=1.5 is out of range; allowed (0, 1)",
      "OneCycleLR(max_lr=0.1, total_steps=100, pct_start=0) | pct_start=0.0 is out of range; allowed (0, 1)",
      "OneCycleLR(max_lr=0.1, total_steps=3, pct_start=0.3) | pct_start * total_steps > 1",
      "OneCycleLR(max_lr=0.1, total_steps=0) | total_steps=0 is out of range",
      "CosineAnnealingWarmRestarts(T_0=10, T_mult=0) | T_mult=0 is out of range; allowed [1, inf)",
      "CosineAnnealingWarmRestarts(T_0=0) | T_0=0 is out of range",
      "CosineAnnealingLR(T_max=10, lr=-1) | lr=-1.0 is out of range; allowed [0, inf)",
      "LinearLR(start_factor=0) | start_factor=0.0 is out of range; allowed (0, 1]",
      "ConstantLR(factor=2) | factor=2.0 is out of range; allowed [0, 1]",
      "CyclicLR(base_lr=0.1, max_lr=1, step_size_up=0) | step_size_up=0.0 is out of range",
      "SWALR(swa_lr=0.1, anneal_epochs=-1) | anneal_epochs=-1 is out of range",
      "slanted_triangular(num_training_steps=5, cut_frac=0.1) | floor(num_training_steps * cut_frac) >= 1",
      "slanted_triangular(cut_frac=1.0) | cut_frac=1.0 is out of range; allowed (0, 1)",
      "polynomial_decay_with_warmup(num_warmup_steps=1, lr_end=2.0) | lr_end=2.0 is out of range; allowed [0, lr)",
      "linear_with_warmup(num_warmup_steps=-1) | num_warmup_steps=-1 is out of range",
      "linear_with_warmup(warmup_ratio=1.2) | warmup_ratio=1.2 is out of range; allowed [0, 1)",
      "warmup(constant, num_warmup_steps=5, mode=constant, start_factor=0) | start_factor=0.0 is out of range; allowed (0, 1] for mode=constant",
      "SequentialLR(schedulers=[constant, constant], milestones=[]) | exactly 1 milestones",
      "SequentialLR(schedulers=[constant, constant, constant], milestones=[5, 5]) | strictly increasing",
      "per_epoch(constant, steps_per_epoch=0) | steps_per_epoch=0 is out of range",
      "MultiStepLR(milestones=[-1, 3]) | milestones=[-1, 3] is out of range"})
  void outOfRangeValuesNameArgumentValueAndRange(String spec, String message) {
    assertThatThrownBy(() -> Schedules.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "StepLR(step_size='ten') | step_size='ten' is not allowed; expected an integer",
      "CosineAnnealingWarmRestarts(T_0=2.5) | T_0=2.5 is not allowed; expected an integer",
      "ExponentialLR(gamma=fast) | gamma=fast is not allowed; expected a number",
      "OneCycleLR(max_lr=0.1, anneal_strategy='exp') | anneal_strategy='exp' is not allowed; allowed: cos, linear",
      "CyclicLR(base_lr=0.1, max_lr=1, mode=sine) | mode=sine is not allowed; allowed: triangular, triangular2, exp_range",
      "OneCycleLR(max_lr=0.1, three_phase=1) | three_phase=1 is not allowed; expected True or False",
      "StepLR(step_size=3, last_epoch=5) | last_epoch=5 is not supported",
      "CyclicLR(base_lr=0.1, max_lr=1, scale_fn=f) | custom scale_fn is not supported",
      "StepLR(optimizer, 3, 0.5, -1, 0.1, 7) | too many positional arguments",
      "StepLR(3, step_size=4) | multiple values for argument 'step_size'",
      "SequentialLR(schedulers=[3], milestones=[]) | expected a schedule"})
  void wrongTypesAndUnsupportedArguments(String spec, String message) {
    assertThatThrownBy(() -> Schedules.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void badStepsAndMissingTotals() {
    LrSchedule s = Schedules.parse("StepLR(step_size=3)");
    assertThatThrownBy(() -> s.lr(-1))
        .hasMessageContaining("StepLR: step=-1 is out of range; allowed [0, inf)");
    assertThatThrownBy(() -> Schedules.parse("cosine_with_warmup(num_warmup_steps=3)").lr(5))
        .hasMessageContaining("num_training_steps is not set and the caller passed totalSteps=0");
    assertThatThrownBy(() -> Schedules.parse("OneCycleLR(max_lr=0.1)").lr(5, 3))
        .hasMessageContaining("pct_start * total_steps > 1 (total_steps=3");
  }
}
