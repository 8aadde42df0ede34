package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * PyTorch {@code MultiStepLR}: decays by {@code gamma} at each milestone.
 *
 * <p>{@code lr(t) = lr * gamma^(number of milestones <= t)}; a milestone listed twice counts twice,
 * as PyTorch's {@code Counter} does.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse("MultiStepLR(milestones=[30, 80], gamma=0.1, lr=0.05)");
 * s.lr(80);  // 0.0005
 * }</pre>
 *
 * @param milestones steps at which the LR decays (kept sorted), each {@code >= 0}
 * @param gamma multiplicative factor, {@code > 0}
 * @param lr the starting learning rate
 */
public record MultiStepLr(List<Long> milestones, double gamma, double lr) implements LrSchedule {

  static final String NAME = "MultiStepLR";

  /** Validates and sorts the milestones. */
  public MultiStepLr {
    List<Long> sorted = new ArrayList<>(milestones);
    Collections.sort(sorted);
    Check.arg(!sorted.isEmpty(), NAME, "milestones", milestones, "a non-empty list");
    Check.arg(sorted.get(0) >= 0, NAME, "milestones", milestones, "integers >= 0");
    milestones = List.copyOf(sorted);
    Check.positive(NAME, "gamma", gamma);
    Check.lr(NAME, "lr", lr);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    int passed = 0;
    for (long m : milestones) {
      if (m <= step) {
        passed++;
      }
    }
    return lr * Math.pow(gamma, passed);
  }

  @Override
  public String toString() {
    return new SpecWriter(NAME).longs("milestones", milestones).arg("gamma", gamma).arg("lr", lr)
        .toString();
  }
}
