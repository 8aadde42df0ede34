package dev.finetune.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScheduleTableTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ScheduleTable.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsOneRowPerStep() {
    int code = run("linear_with_warmup(num_warmup_steps=2, num_training_steps=4)", "--steps", "5");
    assertThat(code).isZero();
    assertThat(out()).isEqualTo("step,lr\n0,0.0\n1,0.5\n2,1.0\n3,0.5\n4,0.0\n");
    assertThat(err()).isEmpty();
  }

  @Test
  void baseLrAndMomentumColumn() {
    assertThat(run("StepLR(step_size=2, gamma=0.5)", "--lr", "0.1", "--steps", "3")).isZero();
    assertThat(out()).isEqualTo("step,lr\n0,0.1\n1,0.1\n2,0.05\n");
    out.reset();
    assertThat(run("--momentum", "CyclicLR(base_lr=0.1, max_lr=0.2, step_size_up=1)", "--steps", "2"))
        .isZero();
    assertThat(out()).isEqualTo("step,lr,momentum\n0,0.1,0.9\n1,0.2,0.8\n");
  }

  @Test
  void badArgumentsReturnTwoWithTheReason() {
    assertThat(run("StepLR(step_size=2)")).isEqualTo(2);
    assertThat(err()).contains("missing --steps N").contains("usage:");
    err.reset();
    assertThat(run("--steps", "10")).isEqualTo(2);
    assertThat(err()).contains("missing the schedule spec");
    err.reset();
    assertThat(run("StepLR(step_size=2)", "--steps", "0")).isEqualTo(2);
    assertThat(err()).contains("--steps=0 is out of range; allowed [1, inf)");
    err.reset();
    assertThat(run("StepLR(step_size=2)", "--steps", "x")).isEqualTo(2);
    assertThat(err()).contains("--steps=x is not an integer");
    err.reset();
    assertThat(run("StepLR(step_size=2)", "--steps", "3", "--lr", "-1")).isEqualTo(2);
    assertThat(err()).contains("--lr=-1 is out of range");
    err.reset();
    assertThat(run("StepLR(step_size=2)", "--steps")).isEqualTo(2);
    assertThat(err()).contains("--steps needs a value");
    err.reset();
    assertThat(run("Nope()", "--steps", "3")).isEqualTo(2);
    assertThat(err()).contains("unknown schedule 'Nope'");
    err.reset();
    assertThat(run("StepLR(step_size=2)", "--step", "3")).isEqualTo(2);
    assertThat(err()).contains("unknown option --step");
    err.reset();
    assertThat(run("OneCycleLR(max_lr=0.1, total_steps=5)", "--steps", "7")).isEqualTo(2);
    assertThat(err()).contains("step=6 is out of range");
    assertThat(out()).isEmpty(); // no partial CSV
  }

  @Test
  void helpPrintsUsageAndTheScheduleNames() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("usage:").contains("CosineAnnealingWarmRestarts");
  }
}
