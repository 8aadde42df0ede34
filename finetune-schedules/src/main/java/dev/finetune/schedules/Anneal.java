package dev.finetune.schedules;

/**
 * How {@code OneCycleLR} and {@code SWALR} move between two values.
 *
 * <pre>{@code
 * Anneal.COS.between(1.0, 0.0, 0.5);  // 0.5
 * }</pre>
 */
public enum Anneal {
  /** Cosine: {@code end + (start - end) / 2 * (cos(pi * pct) + 1)}. */
  COS("cos"),
  /** Linear: {@code (end - start) * pct + start}. */
  LINEAR("linear");

  private final String specName;

  Anneal(String specName) {
    this.specName = specName;
  }

  /**
   * Names the strategy as PyTorch does.
   *
   * @return {@code cos} or {@code linear}
   */
  public String specName() {
    return specName;
  }

  /**
   * Interpolates from {@code start} (at 0) to {@code end} (at 1), as PyTorch's OneCycleLR does.
   *
   * @param start value at {@code pct = 0}
   * @param end value at {@code pct = 1}
   * @param pct progress
   * @return the interpolated value
   */
  public double between(double start, double end, double pct) {
    return this == COS
        ? end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;
  }

  /**
   * SWALR's weight of the target: {@code (1 - cos(pi * t)) / 2} or {@code t}.
   *
   * @param t progress in {@code [0, 1]}
   * @return the weight
   */
  public double alpha(double t) {
    return this == COS ? (1 - Math.cos(Math.PI * t)) / 2 : t;
  }

  static Anneal of(String owner, String name) {
    for (Anneal a : values()) {
      if (a.specName.equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        owner + ": anneal_strategy=" + name + " is not allowed; allowed: cos, linear");
  }
}
