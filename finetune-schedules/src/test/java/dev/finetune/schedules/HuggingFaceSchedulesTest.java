package dev.finetune.schedules;

import static dev.finetune.schedules.Close.close;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Hugging Face schedules (transformers/optimization.py lambdas) and ULMFiT's slanted triangular
 * LR against hand-computed values (1e-9 relative).
 */
class HuggingFaceSchedulesTest {

  @Test
  void linearWithWarmup() {
    LrSchedule s = Schedules.parse("linear_with_warmup(num_warmup_steps=10,num_training_steps=100)");
    close(s.lr(0), 0.0);
    close(s.lr(5), 0.5);
    close(s.lr(10), 1.0);
    close(s.lr(55), 0.5);
    close(s.lr(100), 0.0);
    close(s.lr(150), 0.0);
    // HF's function name, a positional optimizer, and the base LR from the caller
    LrSchedule hf = Schedules.parse(
        "transformers.get_linear_schedule_with_warmup(optimizer, 10, 100)", 2e-5);
    close(hf.lr(55), 1e-5);
  }

  @Test
  void cosineWithWarmup() {
    LrSchedule s = Schedules.parse("cosine_with_warmup(num_warmup_steps=10,num_training_steps=110)");
    close(s.lr(5), 0.5);
    close(s.lr(60), 0.5);
    close(s.lr(35), 0.5 * (1 + Math.cos(Math.PI * 0.25)));
    close(s.lr(110), 0.0);
    LrSchedule full = Schedules.parse(
        "cosine_with_warmup(num_warmup_steps=10,num_training_steps=110,num_cycles=1.0)");
    close(full.lr(60), 0.0);
    close(full.lr(110), 1.0);
  }

  @Test
  void cosineWithHardRestarts() {
    LrSchedule s = Schedules.parse(
        "cosine_with_hard_restarts_with_warmup(num_warmup_steps=0,num_training_steps=100,num_cycles=2)");
    close(s.lr(0), 1.0);
    close(s.lr(25), 0.5);
    close(s.lr(50), 1.0);
    close(s.lr(75), 0.5);
    close(s.lr(100), 0.0);
    close(s.lr(101), 0.0);
  }

  @Test
  void polynomialDecayWithWarmup() {
    LrSchedule s = Schedules.parse(
        "polynomial_decay_with_warmup(num_warmup_steps=10,num_training_steps=110,lr=1e-3)");
    close(s.lr(5), 5e-4);
    close(s.lr(60), (1e-3 - 1e-7) * 0.5 + 1e-7);
    close(s.lr(110), 1e-7);
    close(s.lr(200), 1e-7);
    LrSchedule sq = Schedules.parse(
        "polynomial_decay_with_warmup(num_warmup_steps=0,num_training_steps=10,lr_end=0.0,power=2.0)");
    close(sq.lr(5), 0.25);
  }

  @Test
  void inverseSqrtAndItsDefaultTimescale() {
    LrSchedule s = Schedules.parse("inverse_sqrt(num_warmup_steps=100)");
    close(s.lr(50), 0.5);
    close(s.lr(100), 1.0);
    close(s.lr(400), 0.5);
    LrSchedule noWarmup = Schedules.parse("inverse_sqrt(num_warmup_steps=0)");
    close(noWarmup.lr(30_000), 0.5); // timescale 10_000
    close(Schedules.parse("inverse_sqrt(num_warmup_steps=10, timescale=40)").lr(130), 0.5);
  }

  @Test
  void constantWithWarmupAndConstant() {
    LrSchedule s = Schedules.parse("constant_with_warmup(num_warmup_steps=10, lr=1e-3)");
    close(s.lr(5), 5e-4);
    close(s.lr(10), 1e-3);
    close(s.lr(10_000), 1e-3);
    close(Schedules.parse("get_constant_schedule(optimizer)", 3e-5).lr(7), 3e-5);
  }

  @Test
  void warmupRatioResolvesAsTrainingArgumentsDoes() {
    LrSchedule s = Schedules.parse("linear_with_warmup(warmup_ratio=0.1)");
    close(s.lr(50, 1000), 0.5); // ceil(1000 * 0.1) = 100 warm-up steps
    close(s.lr(550, 1000), 0.5);
    close(s.lr(5, 95), 0.5); // ceil(9.5) = 10
    assertThatThrownBy(() -> s.lr(5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("num_training_steps is not set");
  }

  @Test
  void slantedTriangularFollowsHowardAndRuderEq3() {
    LrSchedule s = Schedules.parse("slanted_triangular(num_training_steps=100,cut_frac=0.1,ratio=32,lr=0.01)");
    close(s.lr(0), 0.01 / 32);
    close(s.lr(5), 0.01 * (1 + 0.5 * 31) / 32);
    close(s.lr(10), 0.01);
    close(s.lr(55), 0.01 * (1 + 0.5 * 31) / 32); // p = 1 - 45 / (10 * 9)
    close(s.lr(100), 0.01 / 32);
    close(s.lr(150), 0.01 / 32); // p held at 0 beyond T
    LrSchedule byTotal = Schedules.slantedTriangular(0.01);
    close(byTotal.lr(10, 100), 0.01);
    assertThat(byTotal.toString()).isEqualTo("slanted_triangular(cut_frac=0.1,ratio=32.0,lr=0.01)");
  }
}
