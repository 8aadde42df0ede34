package dev.finetune.experiments.search;

import com.google.gson.JsonElement;
import dev.finetune.core.method.MethodSpec;
import java.util.List;
import java.util.Map;

/**
 * How a search chooses its trials' values: {@code random} (every trial drawn independently from
 * the space, all before anything trains; the default) or {@code tpe} (the tree-structured Parzen
 * estimator, {@link TpeSampler}: after some random trials, each new trial is drawn where the best
 * results so far are dense and the others are not). Named in a search file as {@code "sampler":
 * "random"} or {@code "sampler": "tpe(startup_trials=10, gamma=0.1, candidates=24)"} (every
 * argument optional).
 *
 * <pre>{@code
 * Sampler s = Sampler.parse("tpe(startup_trials=8)");
 * SchemeSearch.builder("cola", space, runner).sampler(s).build();
 * }</pre>
 */
public sealed interface Sampler permits Sampler.Uniform, TpeSampler {

  /** The names a search file may give. */
  List<String> NAMES = List.of("random", "tpe");

  /** @return the text that names this sampler and its settings, e.g. {@code random} */
  String spec();

  /** @return the default: every trial drawn at random, before the search trains */
  static Sampler random() {
    return Uniform.INSTANCE;
  }

  /** @return TPE with Optuna's defaults (10 random trials first, gamma 0.1, 24 candidates) */
  static Sampler tpe() {
    return TpeSampler.builder().build();
  }

  /**
   * Reads a sampler's text.
   *
   * @param text {@code random}, {@code tpe} or {@code tpe(startup_trials=N, gamma=G, candidates=C)}
   * @return the sampler
   * @throws IllegalArgumentException naming the bad part and what is accepted
   */
  static Sampler parse(String text) {
    MethodSpec spec;
    try {
      spec = MethodSpec.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a sampler; use one of " + NAMES
          + ", e.g. \"tpe(startup_trials=10)\"");
    }
    return switch (spec.name()) {
      case "random" -> {
        spec.accept();
        yield random();
      }
      case "tpe" -> {
        spec.accept("startup_trials", "gamma", "candidates");
        yield TpeSampler.builder()
            .startupTrials(spec.intArg(0, "startup_trials", TpeSampler.DEFAULT_STARTUP_TRIALS))
            .gamma(spec.doubleArg(1, "gamma", TpeSampler.DEFAULT_GAMMA))
            .candidates(spec.intArg(2, "candidates", TpeSampler.DEFAULT_CANDIDATES))
            .build();
      }
      default -> throw new IllegalArgumentException("unknown sampler '" + spec.name() + "'; use one of "
          + NAMES + ", e.g. \"tpe(startup_trials=10)\"");
    };
  }

  /**
   * What a trial achieved so far, as a sampler that learns from results sees it.
   *
   * @param values the trial's value per option
   * @param rung the highest rung it reached
   * @param score its result there, higher is better (losses negated; NaN the worst)
   */
  record Observation(Map<String, JsonElement> values, int rung, double score) {}

  /** Every trial drawn at random from the space. */
  final class Uniform implements Sampler {
    private static final Uniform INSTANCE = new Uniform();

    private Uniform() {}

    @Override
    public String spec() {
      return "random";
    }

    @Override
    public String toString() {
      return spec();
    }
  }
}
