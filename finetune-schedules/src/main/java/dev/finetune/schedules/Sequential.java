package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * PyTorch {@code SequentialLR}: schedule {@code i} runs from milestone {@code i-1} (0 for the
 * first) to milestone {@code i}, each starting at its own step 0.
 *
 * <p>{@code lr(t) = S_i.lr(t - m_(i-1), m_i - m_(i-1))} for {@code m_(i-1) <= t < m_i}; the last
 * schedule sees {@code T - m_last} as its total (unknown when the run's total is). Absolute and
 * relative parts may mix: {@link #atBaseLr(double)} gives each part the base LR by its own kind
 * (relative parts scale it, absolute ones keep their LRs), as the spec parser does.
 *
 * <pre>{@code
 * LrSchedule s = Schedules.parse(
 *     "SequentialLR(schedulers=[ConstantLR(factor=0.1,total_iters=20,lr=0.05),"
 *         + "ExponentialLR(gamma=0.9,lr=0.05)],milestones=[20])");
 * s.lr(19);  // 0.005
 * s.lr(21);  // 0.045
 * }</pre>
 *
 * @param schedules the schedules in order (at least one)
 * @param milestones strictly increasing steps {@code >= 1}, one fewer than schedules
 */
public record Sequential(List<LrSchedule> schedules, List<Long> milestones) implements LrSchedule {

  static final String NAME = "SequentialLR";

  /** Validates the arguments. */
  public Sequential {
    schedules = List.copyOf(schedules);
    milestones = List.copyOf(milestones);
    Check.arg(!schedules.isEmpty(), NAME, "schedulers", schedules, "a non-empty list");
    Check.arg(milestones.size() == schedules.size() - 1, NAME, "milestones", milestones,
        "exactly " + (schedules.size() - 1) + " milestones for " + schedules.size() + " schedulers");
    long prev = 0;
    for (long m : milestones) {
      Check.arg(m > prev, NAME, "milestones", milestones, "strictly increasing integers >= 1");
      prev = m;
    }
  }

  static Sequential of(LrSchedule first, long steps, LrSchedule next) {
    List<LrSchedule> all = new ArrayList<>();
    List<Long> ms = new ArrayList<>();
    if (first instanceof Sequential s) {
      all.addAll(s.schedules());
      ms.addAll(s.milestones());
      ms.add(steps);
    } else {
      all.add(first);
      ms.add(steps);
    }
    all.add(next);
    return new Sequential(all, ms);
  }

  private int segment(long step) {
    int i = 0;
    while (i < milestones.size() && step >= milestones.get(i)) {
      i++;
    }
    return i;
  }

  private long start(int i) {
    return i == 0 ? 0 : milestones.get(i - 1);
  }

  private long segmentTotal(int i, long totalSteps) {
    if (i < milestones.size()) {
      return milestones.get(i) - start(i);
    }
    return totalSteps > start(i) ? totalSteps - start(i) : UNKNOWN_TOTAL;
  }

  /** @return true when every part is absolute */
  @Override
  public boolean absolute() {
    return schedules.stream().allMatch(LrSchedule::absolute);
  }

  /**
   * Resolves each part by its own kind: relative parts take the base LR, absolute parts keep
   * their learning rates, as PyTorch's {@code SequentialLR} hands the same optimizer to each.
   *
   * @param baseLr the optimizer's base learning rate
   * @return the sequence in learning rates
   */
  @Override
  public Sequential atBaseLr(double baseLr) {
    return new Sequential(schedules.stream().map(s -> s.atBaseLr(baseLr)).toList(), milestones);
  }

  @Override
  public double lr(long step, long totalSteps) {
    Check.step(NAME, step);
    int i = segment(step);
    return schedules.get(i).lr(step - start(i), segmentTotal(i, totalSteps));
  }

  @Override
  public OptionalDouble momentum(long step, long totalSteps) {
    Check.step(NAME, step);
    int i = segment(step);
    return schedules.get(i).momentum(step - start(i), segmentTotal(i, totalSteps));
  }

  @Override
  public String toString() {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < schedules.size(); i++) {
      list.append(i == 0 ? "" : ",").append(schedules.get(i));
    }
    return new SpecWriter(NAME).raw("schedulers", list.append(']').toString())
        .longs("milestones", milestones).toString();
  }
}
