package dev.finetune.experiments.grid;

import dev.finetune.core.data.tokens.TokenSplit;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One named value of an {@link Axis}: a function that configures a cell's {@link CellSetup} (its
 * fine-tuning chain, learning rate, model or data).
 *
 * <pre>{@code
 * Variant bitFit = Variant.of("bitfit", s -> s.chain(c -> c.peft(Peft.bitFit())).scaleLearningRate(20));
 * Variant half = Variant.trainFraction("half", 0.5, 42);   // seeded sample of the training set
 * Variant plain = Variant.none("plain");
 * }</pre>
 *
 * @param name the value's name, as it appears in cell ids, tables and plots
 * @param configure what it does to a cell
 */
public record Variant(String name, Consumer<CellSetup> configure) {

  /** Checks the name and the function. */
  public Variant {
    CellId.requireName("variant", name);
    Objects.requireNonNull(configure, "configure");
  }

  /**
   * A variant.
   *
   * @param name its name
   * @param configure what it does to a cell
   * @return the variant
   */
  public static Variant of(String name, Consumer<CellSetup> configure) {
    return new Variant(name, configure);
  }

  /**
   * A variant that trains on a seeded sample of a fraction of the training set (at least one
   * example; sentences for token data), recorded as the setting {@code train_fraction}.
   *
   * @param name its name, e.g. {@code 10pct}
   * @param fraction the fraction in (0, 1]
   * @param seed the sampling seed (keep it fixed across repeats to vary only the training seed)
   * @return the variant
   */
  public static Variant trainFraction(String name, double fraction, long seed) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("train fraction must be in (0, 1], got " + fraction);
    }
    return new Variant(name, s -> {
      if (s.data() instanceof TokenSplit tokens) {
        int n = (int) Math.max(1, Math.round(tokens.train().size() * fraction));
        s.data(new TokenSplit(tokens.train().sample(n, seed), tokens.validation(), tokens.test()));
      } else {
        s.train(s.train().sample((int) Math.max(1, Math.round(s.train().size() * fraction)), seed));
      }
      s.setting("train_fraction", fraction);
    });
  }

  /**
   * A variant that changes nothing (the baseline value of an axis).
   *
   * @param name its name, e.g. {@code none}
   * @return the variant
   */
  public static Variant none(String name) {
    return new Variant(name, s -> {});
  }
}
