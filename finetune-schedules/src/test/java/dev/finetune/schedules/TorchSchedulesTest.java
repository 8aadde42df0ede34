package dev.finetune.schedules;

import static dev.finetune.schedules.Close.close;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PyTorch schedules against values computed by hand from torch/optim/lr_scheduler.py and the
 * examples in its docstrings (tolerance: 1e-9 relative, see {@link Close}).
 */
class TorchSchedulesTest {

  @Test
  void stepLrMatchesTheDocstringExample() {
    // docstring: lr = 0.05 if epoch < 30; 0.005 if 30 <= epoch < 60; 0.0005 if 60 <= epoch < 90
    LrSchedule s = Schedules.parse("StepLR(step_size=30, gamma=0.1)", 0.05);
    close(s.lr(0), 0.05);
    close(s.lr(29), 0.05);
    close(s.lr(30), 0.005);
    close(s.lr(59), 0.005);
    close(s.lr(60), 0.0005);
    close(s.lr(89), 0.0005);
  }

  @Test
  void multiStepLrMatchesTheDocstringExampleAndCountsRepeatedMilestones() {
    LrSchedule s = Schedules.parse("MultiStepLR(milestones=[30, 80], gamma=0.1, lr=0.05)");
    close(s.lr(29), 0.05);
    close(s.lr(30), 0.005);
    close(s.lr(79), 0.005);
    close(s.lr(80), 0.0005);
    // Counter([10, 10]) decays twice at 10; unsorted input is sorted
    LrSchedule twice = Schedules.parse("MultiStepLR(milestones=(20, 10, 10), gamma=0.5)");
    close(twice.lr(9), 1.0);
    close(twice.lr(10), 0.25);
    close(twice.lr(20), 0.125);
  }

  @Test
  void constantLrMatchesTheDocstringExample() {
    LrSchedule s = Schedules.parse("ConstantLR(factor=0.5, total_iters=40, lr=0.05)");
    close(s.lr(0), 0.025);
    close(s.lr(39), 0.025);
    close(s.lr(40), 0.05);
    close(Schedules.parse("ConstantLR()").lr(4), 1.0 / 3);
  }

  @Test
  void linearLrRampsToTheEndFactor() {
    LrSchedule s = Schedules.parse("LinearLR(start_factor=0.5, end_factor=1.0, total_iters=4, lr=0.05)");
    close(s.lr(0), 0.025);
    close(s.lr(1), 0.05 * 0.625);
    close(s.lr(2), 0.0375);
    close(s.lr(4), 0.05);
    close(s.lr(100), 0.05);
  }

  @Test
  void exponentialAndPolynomialDecay() {
    close(Schedules.parse("ExponentialLR(gamma=0.9, lr=0.05)").lr(2), 0.0405);
    LrSchedule p = Schedules.parse("PolynomialLR(total_iters=50, power=0.9, lr=0.05)");
    close(p.lr(0), 0.05);
    // the docstring's "epoch == 0: 0.0490" is the value after the first step(), i.e. step 1
    close(p.lr(1), 0.05 * Math.pow(0.98, 0.9));
    assertThat(p.lr(1)).isBetween(0.0490, 0.0491);
    close(p.lr(50), 0.0);
    close(p.lr(70), 0.0);
  }

  @Test
  void cosineAnnealingFollowsTheCosineAndRisesAgainAfterTMax() {
    LrSchedule s = Schedules.parse("CosineAnnealingLR(T_max=10, eta_min=0.01, lr=0.1)");
    close(s.lr(0), 0.1);
    close(s.lr(5), 0.055);
    close(s.lr(10), 0.01);
    close(s.lr(15), 0.055);
    close(s.lr(20), 0.1);
    close(s.lr(3), 0.01 + 0.09 * (1 + Math.cos(Math.PI * 0.3)) / 2);
  }

  @Test
  void warmRestartsRestartAfterGrowingCycles() {
    LrSchedule s = Schedules.parse("CosineAnnealingWarmRestarts(T_0=10, T_mult=2, eta_min=0.0)");
    close(s.lr(0), 1.0);
    close(s.lr(5), 0.5);
    close(s.lr(10), 1.0); // restart, next cycle 20 long
    close(s.lr(20), 0.5); // T_cur = 10 of T_i = 20
    close(s.lr(29), (1 + Math.cos(Math.PI * 19 / 20)) / 2);
    close(s.lr(30), 1.0); // restart, next cycle 40 long
    close(s.lr(70), 1.0);
    LrSchedule flat = Schedules.parse("CosineAnnealingWarmRestarts(T_0=10, eta_min=0.1, lr=0.5)");
    close(flat.lr(25), 0.1 + 0.4 * 0.5);
  }

  @Test
  void cyclicLrTriangularModesAndMomentum() {
    LrSchedule t = Schedules.parse("CyclicLR(base_lr=0.001, max_lr=0.01, step_size_up=20)");
    close(t.lr(0), 0.001);
    close(t.lr(10), 0.0055);
    close(t.lr(20), 0.01);
    close(t.lr(30), 0.0055);
    close(t.lr(40), 0.001);
    close(t.lr(60), 0.01);
    close(t.momentum(0, 0).getAsDouble(), 0.9);
    close(t.momentum(10, 0).getAsDouble(), 0.85);
    close(t.momentum(20, 0).getAsDouble(), 0.8);

    LrSchedule t2 = Schedules.parse("CyclicLR(base_lr=0.001,max_lr=0.01,step_size_up=20,mode=triangular2)");
    close(t2.lr(20), 0.01);
    close(t2.lr(60), 0.0055);
    close(t2.lr(100), 0.001 + 0.009 / 4);

    LrSchedule exp = Schedules.parse(
        "CyclicLR(base_lr=0.001, max_lr=0.01, step_size_up=20, mode='exp_range', gamma=0.99)");
    close(exp.lr(20), 0.001 + 0.009 * Math.pow(0.99, 20));
    close(exp.lr(70), 0.001 + 0.009 * 0.5 * Math.pow(0.99, 70));

    LrSchedule asym = Schedules.parse(
        "CyclicLR(base_lr=0.001, max_lr=0.01, step_size_up=10, step_size_down=30, cycle_momentum=False)");
    close(asym.lr(10), 0.01);
    close(asym.lr(25), 0.0055); // x = 0.625, ratio 0.25: (x - 1) / (ratio - 1) = 0.5
    assertThat(asym.momentum(25, 0)).isEmpty();
  }

  @Test
  void oneCycleTwoPhaseCosine() {
    LrSchedule s = Schedules.parse("OneCycleLR(max_lr=0.01, total_steps=100)");
    double initial = 0.01 / 25;
    double min = initial / 1e4;
    close(s.lr(0), initial);
    close(s.lr(29), 0.01); // phase 1 ends at 0.3 * 100 - 1
    close(s.lr(99), min);
    close(s.lr(64), min + (0.01 - min) / 2); // pct = 35 / 70
    close(s.lr(14), 0.01 + (initial - 0.01) / 2 * (Math.cos(Math.PI * 14 / 29) + 1));
    close(s.momentum(0, 0).getAsDouble(), 0.95);
    close(s.momentum(29, 0).getAsDouble(), 0.85);
    close(s.momentum(64, 0).getAsDouble(), 0.9);
    close(s.momentum(99, 0).getAsDouble(), 0.95);
  }

  @Test
  void oneCycleLinearAndThreePhase() {
    LrSchedule lin = Schedules.parse(
        "OneCycleLR(max_lr=0.01,total_steps=100,pct_start=0.25,anneal_strategy=linear)");
    close(lin.lr(12), (0.0004 + 0.01) / 2); // phase 1 ends at 24, pct 0.5
    close(lin.lr(24), 0.01);
    close(lin.lr(99), 0.0004 / 1e4);

    LrSchedule three = Schedules.parse(
        "OneCycleLR(max_lr=0.01, epochs=10, steps_per_epoch=10, three_phase=True, anneal_strategy='linear')");
    close(three.lr(29), 0.01);
    close(three.lr(58), 0.0004); // phase 2 ends at 2 * 30 - 2
    close(three.lr(99), 0.0004 / 1e4);
    close(three.lr(43), 0.01 + (0.0004 - 0.01) * (43 - 29) / 29.0);
    close(three.momentum(80, 0).getAsDouble(), 0.95); // constant max_momentum in phase 3
    assertThat(three).isEqualTo(Schedules.parse(
        "OneCycleLR(max_lr=0.01, total_steps=100, three_phase=True, anneal_strategy='linear')"));
  }

  @Test
  void oneCycleAllowsStepTotalAndRejectsBeyond() {
    LrSchedule s = Schedules.parse("OneCycleLR(max_lr=0.01, total_steps=100)");
    assertThat(s.lr(100)).isFinite();
    assertThatThrownBy(() -> s.lr(101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step=101").hasMessageContaining("[0, 100]");
    // without total_steps it spans the caller's total
    LrSchedule open = Schedules.parse("OneCycleLR(max_lr=0.01)");
    close(open.lr(29, 100), 0.01);
  }

  @Test
  void swaLrAnnealsToTheSwaLr() {
    LrSchedule lin = Schedules.parse("SWALR(swa_lr=0.05, anneal_epochs=10, anneal_strategy=linear, lr=0.1)");
    close(lin.lr(0), 0.1);
    close(lin.lr(5), 0.075);
    close(lin.lr(10), 0.05);
    close(lin.lr(50), 0.05);
    LrSchedule cos = Schedules.parse("SWALR(swa_lr=0.05, lr=0.1)");
    double alpha = (1 - Math.cos(Math.PI * 0.2)) / 2;
    close(cos.lr(2), 0.05 * alpha + 0.1 * (1 - alpha));
    close(Schedules.parse("SWALR(swa_lr=0.05, anneal_epochs=0, lr=0.1)").lr(0), 0.05);
  }

  @Test
  void sequentialLrMatchesTheDocstringExample() {
    // docstring: 0.005 for epochs 0..19, 0.05 at 20, 0.045 at 21, 0.0405 at 22
    LrSchedule s = Schedules.parse("SequentialLR(optimizer, schedulers=[ConstantLR(factor=0.1, "
        + "total_iters=20), ExponentialLR(gamma=0.9)], milestones=[20])", 0.05);
    close(s.lr(0), 0.005);
    close(s.lr(19), 0.005);
    close(s.lr(20), 0.05);
    close(s.lr(21), 0.045);
    close(s.lr(22), 0.0405);
    assertThat(((Sequential) s).milestones()).isEqualTo(List.of(20L));
  }
}
