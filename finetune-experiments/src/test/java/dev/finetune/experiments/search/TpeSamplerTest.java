package dev.finetune.experiments.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tree-structured Parzen estimator: its densities against hand-worked values (widths by
 * Optuna's rules, log densities from Python's {@code math.erf}), and against random sampling on a
 * fixed objective.
 */
class TpeSamplerTest {

  @TempDir Path dir;

  @Test
  void numericKernelsTakeTheWiderGapClippedAndThePriorSpansTheRange() {
    // observations 0.2, 0.5 and the prior at 0.5 on [0, 1]: sorted 0.2, 0.5, 0.5 -> widths 0.3 (the
    // outermost take their inner gap), 0.3, clip floor 1 / min(100, 4) = 0.25; the prior's is 1
    ParzenEstimator.Numeric two = ParzenEstimator.Numeric.of(new double[] {0.2, 0.5}, 0, 1);
    assertThat(two.mus()).containsExactly(0.2, 0.5, 0.5);
    assertThat(two.sigmas()).containsExactly(new double[] {0.3, 0.3, 1.0}, within(1e-12));
    assertThat(two.logPdf(0.3)).isCloseTo(0.2598169614461546, within(1e-6));
    assertThat(two.logPdf(0.9)).isCloseTo(-0.5775956721102486, within(1e-6));
    // 0.1, 0.15, 0.8 and the prior 0.5: raw widths 0.05 (inner gap), 0.35, 0.3 (inner gap);
    // floor 1 / 5 = 0.2 lifts the first
    ParzenEstimator.Numeric three = ParzenEstimator.Numeric.of(new double[] {0.1, 0.15, 0.8}, 0, 1);
    assertThat(three.sigmas()).containsExactly(new double[] {0.2, 0.35, 0.3, 1.0}, within(1e-12));
    assertThat(three.logPdf(0.12)).isCloseTo(0.3544863243318736, within(1e-6));
    assertThat(three.logPdf(0.6)).isCloseTo(-0.17648252618254057, within(1e-6));
    // no observation: the prior alone, a normal of width 1 truncated to [0, 1] around 0.5
    assertThat(ParzenEstimator.Numeric.of(new double[0], 0, 1).sigmas()).containsExactly(1.0);
    Random random = new Random(1);
    for (int i = 0; i < 200; i++) {
      assertThat(three.sample(random)).isBetween(0.0, 1.0);
    }
  }

  @Test
  void categoricalKernelsMixTheObservedValueWithTheUniformPrior() {
    // observations 0, 0, 2 of 3 values: (1/3 + sum over observations of (1[c = o] + 1/3) / 2) / 4
    ParzenEstimator.Categorical c = ParzenEstimator.Categorical.of(new int[] {0, 0, 2}, 3);
    assertThat(c.probabilities()).containsExactly(new double[] {11 / 24.0, 5 / 24.0, 8 / 24.0}, within(1e-12));
    assertThat(ParzenEstimator.Categorical.of(new int[0], 4).probabilities())
        .containsExactly(new double[] {0.25, 0.25, 0.25, 0.25}, within(1e-12));
  }

  @Test
  void errorFunctionWithinItsStatedError() {
    assertThat(ParzenEstimator.erf(0.5)).isCloseTo(0.5204998778130465, within(2e-7));
    assertThat(ParzenEstimator.erf(1)).isCloseTo(0.8427007929497149, within(2e-7));
    assertThat(ParzenEstimator.erf(-1.5)).isCloseTo(-0.9661051464753108, within(2e-7));
    assertThat(ParzenEstimator.erf(2.5)).isCloseTo(0.999593047982555, within(2e-7));
    assertThat(ParzenEstimator.erf(0)).isCloseTo(0, within(2e-7));
  }

  @Test
  void theGoodSetIsOptunasDefaultFraction() {
    TpeSampler tpe = TpeSampler.builder().build();
    assertThat(tpe.goodCount(10)).isEqualTo(1);
    assertThat(tpe.goodCount(11)).isEqualTo(2);
    assertThat(tpe.goodCount(27)).isEqualTo(3);
    assertThat(tpe.goodCount(1000)).isEqualTo(25);
    assertThat(TpeSampler.builder().gamma(0.25).build().goodCount(10)).isEqualTo(3);
  }

  /** Higher near LR 1e-4 and for lora(8): a fixed objective, the same at every budget. */
  private static final TrialRunner OBJECTIVE = (trial, steps, trialDir) -> {
    double lr = trial.values().get("learning_rate").getAsDouble();
    double method = trial.values().get("method").getAsString().equals("lora(8)") ? 0 : -0.5;
    return new TrialResult(steps, -Math.abs(Math.log10(lr) + 4) + method, 0);
  };

  private static SearchResults run(Sampler sampler, Path out) throws Exception {
    return SchemeSearch.builder("objective", SchemeSearchTest.space(), OBJECTIVE).strategy(Strategy.RANDOM)
        .trials(40).steps(5, 5).seed(11).sampler(sampler).build().run(out);
  }

  private static double meanOfLater(SearchResults r) {
    return r.events().stream().filter(e -> e.job().trial() >= 20)
        .mapToDouble(e -> e.result().metric()).average().orElseThrow();
  }

  @Test
  void afterItsStartupTrialsTpeDrawsBetterTrialsThanRandomSampling() throws Exception {
    SearchResults random = run(Sampler.random(), dir.resolve("random"));
    SearchResults tpe = run(Sampler.tpe(), dir.resolve("tpe"));
    // the startup trials are the random search's first draws
    assertThat(tpe.trials().subList(0, 10)).isEqualTo(random.trials().subList(0, 10));
    assertThat(tpe.trials()).hasSize(40);
    // trials 20..39: TPE concentrates near the optimum, random sampling does not
    assertThat(meanOfLater(tpe)).isGreaterThan(meanOfLater(random) + 0.5);
    long lora = tpe.trials().subList(20, 40).stream()
        .filter(t -> t.values().get("method").getAsString().equals("lora(8)")).count();
    assertThat(lora).isGreaterThanOrEqualTo(14);
    assertThat(tpe.leaderboard().get(0).metric()).isGreaterThanOrEqualTo(random.leaderboard().get(0).metric());
    // the drawn values are recorded, and the same search again draws the same trials
    assertThat(dir.resolve("tpe/trials/t010/" + SchemeSearch.TRIAL_FILE)).exists();
    assertThat(dir.resolve("tpe/trials/t009/" + SchemeSearch.TRIAL_FILE)).doesNotExist();
    assertThat(run(Sampler.tpe(), dir.resolve("tpe-again")).trials()).isEqualTo(tpe.trials());
  }

  @Test
  void samplersAreNamedAndBadSettingsFailNamingThem() {
    assertThat(Sampler.parse("random")).isSameAs(Sampler.random());
    assertThat(Sampler.parse("tpe(startup_trials=5, gamma=0.25, candidates=12)").spec())
        .isEqualTo("tpe(startup_trials=5,gamma=0.25,candidates=12)");
    assertThat(Sampler.parse("tpe").spec()).isEqualTo("tpe(startup_trials=10,gamma=0.1,candidates=24)");
    assertThatThrownBy(() -> Sampler.parse("bayes")).hasMessageContaining("unknown sampler 'bayes'")
        .hasMessageContaining("[random, tpe]");
    assertThatThrownBy(() -> Sampler.parse("tpe(startup_trials=0)")).hasMessageContaining("startup_trials must be at least 1");
    assertThatThrownBy(() -> Sampler.parse("tpe(gamma=1.5)")).hasMessageContaining("gamma");
    assertThatThrownBy(() -> Sampler.parse("tpe(warmup=3)")).hasMessageContaining("no argument 'warmup'");
    assertThatThrownBy(() -> Sampler.parse("tpe(candidates=1e9)")).hasMessageContaining("between 1 and 10000");
    assertThatThrownBy(() -> Sampler.parse("tpe(gamma=NaN)")).hasMessageContaining("gamma");
    assertThatThrownBy(() -> Sampler.parse("tpe((")).hasMessageContaining("is not a sampler");
    SearchSpace lists = SearchSpace.parse(JsonParser.parseString("{\"method\": [\"full\", \"bitfit\"]}")
        .getAsJsonObject(), "t");
    assertThatThrownBy(() -> SchemeSearch.builder("g", lists, OBJECTIVE).strategy(Strategy.GRID)
        .sampler(Sampler.tpe()).build()).hasMessageContaining("grid sampling runs every combination");
  }

  @Test
  void observationsRankByRungThenScore() {
    var a = new Sampler.Observation(java.util.Map.of(), 0, 0.9);
    var b = new Sampler.Observation(java.util.Map.of(), 1, 0.1);
    var c = new Sampler.Observation(java.util.Map.of(), 0, Double.NaN);
    var d = new Sampler.Observation(java.util.Map.of(), 0, 0.95);
    var ranked = TpeSampler.bestFirst(new java.util.TreeMap<>(java.util.Map.of(0, a, 1, b, 2, c, 3, d)));
    assertThat(ranked).containsExactly(b, d, a, c);
    assertThat(List.of(a)).hasSize(1);
  }
}
