package dev.finetune.experiments.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.experiments.grid.GridConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search driver with fake learning curves: seeding, budgets, continuation, resume, output. */
class SchemeSearchTest {

  @TempDir Path dir;

  private static final String SPACE = """
      {"method": ["full", "bitfit", "lora(8)"],
       "learning_rate": {"log_uniform": [1e-5, 1e-2]},
       "lr_policy": ["uniform", "layerwise_decay(0.9)"]}
      """;

  static SearchSpace space() {
    return SearchSpace.parse(JsonParser.parseString(SPACE).getAsJsonObject(), "test");
  }

  /** A curve that peaks at LR 1e-4 and rises with steps; records every call. */
  private static final class FakeCurves implements TrialRunner {
    final List<String> calls = new ArrayList<>();
    final Map<String, Long> stepsSoFar = new HashMap<>();
    int failAtCall = -1;

    @Override
    public TrialResult run(Trial trial, long steps, Path trialDir) {
      if (calls.size() == failAtCall) {
        throw new IllegalStateException("simulated kill");
      }
      calls.add(trial.id() + "@" + steps);
      long before = stepsSoFar.getOrDefault(trial.id(), 0L);
      assertThat(steps).as("a trial only grows").isGreaterThan(before);
      stepsSoFar.put(trial.id(), steps);
      double lr = trial.values().get("learning_rate").getAsDouble();
      double quality = 1 / (1 + Math.abs(Math.log10(lr) + 4));
      return new TrialResult(steps, quality * (1 - 1.0 / (1 + steps)), 0);
    }
  }

  private static SchemeSearch search(Strategy strategy, long seed, TrialRunner runner) {
    return SchemeSearch.builder("fake", space(), runner).strategy(strategy).trials(9).eta(3)
        .steps(10, 90).seed(seed).build();
  }

  @Test
  void theSameSeedGivesTheSameTrialsAndRungsAreGeometric() {
    SchemeSearch a = search(Strategy.ASHA, 7, new FakeCurves());
    assertThat(a.trials()).isEqualTo(search(Strategy.ASHA, 7, new FakeCurves()).trials());
    assertThat(a.trials()).isNotEqualTo(search(Strategy.ASHA, 8, new FakeCurves()).trials());
    assertThat(a.rungSteps()).containsExactly(10L, 30L, 90L);
    assertThat(search(Strategy.RANDOM, 7, new FakeCurves()).rungSteps()).containsExactly(90L);
    assertThat(a.trials()).allSatisfy(t -> assertThat(t.values().get("learning_rate").getAsDouble())
        .isBetween(1e-5, 1e-2));
  }

  @Test
  void successiveHalvingContinuesPromotedTrialsAndRanksTheBest() throws Exception {
    FakeCurves curves = new FakeCurves();
    SearchResults r = search(Strategy.SUCCESSIVE_HALVING, 7, curves).run(dir);
    assertThat(curves.calls).hasSize(9 + 3 + 1);
    assertThat(r.leaderboard().get(0).status()).isEqualTo("completed");
    assertThat(r.leaderboard().get(0).steps()).isEqualTo(90);
    // the winner has the best rung-0 score among all trials (the fake curves keep their order)
    SearchResults.Row best = r.leaderboard().get(0);
    double bestLr = best.trial().values().get("learning_rate").getAsDouble();
    assertThat(r.trials()).allSatisfy(t -> assertThat(Math.abs(Math.log10(t.values().get("learning_rate")
        .getAsDouble()) + 4)).isGreaterThanOrEqualTo(Math.abs(Math.log10(bestLr) + 4)));
    // promoted trials continue: 6 stopped at 10 steps, 2 at 30, 1 at 90
    assertThat(r.totalSteps()).isEqualTo(6 * 10 + 2 * 30 + 90);
  }

  @Test
  void aKilledSearchResumesToTheSameLeaderboard() throws Exception {
    SearchResults whole = search(Strategy.ASHA, 3, new FakeCurves()).run(dir.resolve("whole"));
    FakeCurves killed = new FakeCurves();
    killed.failAtCall = 7;
    assertThatThrownBy(() -> search(Strategy.ASHA, 3, killed).run(dir.resolve("part")))
        .hasMessageContaining("simulated kill");
    FakeCurves rest = new FakeCurves();
    rest.stepsSoFar.putAll(killed.stepsSoFar);
    SearchResults resumed = search(Strategy.ASHA, 3, rest).run(dir.resolve("part"));
    assertThat(rest.calls).hasSize(whole.events().size() - 7);
    assertThat(SearchReport.csv(resumed)).isEqualTo(SearchReport.csv(whole));
    assertThatThrownBy(() -> search(Strategy.ASHA, 4, new FakeCurves()).run(dir.resolve("part")))
        .hasMessageContaining("describes another search");
  }

  @Test
  void aKilledTpeSearchResumesWithTheTrialsItDrewAndTheSameLeaderboard() throws Exception {
    java.util.function.Function<TrialRunner, SchemeSearch> tpe = runner -> SchemeSearch.builder("fake",
        space(), runner).strategy(Strategy.ASHA).trials(18).eta(3).steps(10, 90).seed(3)
        .sampler(TpeSampler.builder().startupTrials(5).build()).build();
    SearchResults whole = tpe.apply(new FakeCurves()).run(dir.resolve("whole"));
    assertThat(whole.trials()).hasSize(18);
    assertThat(tpe.apply(new FakeCurves()).trials()).hasSize(5);
    FakeCurves killed = new FakeCurves();
    killed.failAtCall = 12;
    assertThatThrownBy(() -> tpe.apply(killed).run(dir.resolve("part"))).hasMessageContaining("simulated kill");
    FakeCurves rest = new FakeCurves();
    rest.stepsSoFar.putAll(killed.stepsSoFar);
    SearchResults resumed = tpe.apply(rest).run(dir.resolve("part"));
    assertThat(rest.calls).hasSize(whole.events().size() - 12);
    assertThat(resumed.trials()).isEqualTo(whole.trials());
    assertThat(SearchReport.csv(resumed)).isEqualTo(SearchReport.csv(whole));
    // a TPE search and a random one are different searches
    assertThatThrownBy(() -> search(Strategy.ASHA, 3, new FakeCurves()).run(dir.resolve("part")))
        .hasMessageContaining("describes another search");
  }

  @Test
  void aStepBudgetEndsTheSearchBeforeTheJobThatWouldPassItAndResumesToTheSameEnd() throws Exception {
    SearchResults whole = search(Strategy.ASHA, 3, new FakeCurves()).run(dir.resolve("whole"));
    long cap = whole.totalSteps() / 2;
    java.util.function.Function<TrialRunner, SchemeSearch> capped = runner -> SchemeSearch.builder("fake",
        space(), runner).strategy(Strategy.ASHA).trials(9).eta(3).steps(10, 90).seed(3)
        .maxTotalSteps(cap).build();
    SearchResults r = capped.apply(new FakeCurves()).run(dir.resolve("capped"));
    assertThat(r.stoppedAtBudget()).isTrue();
    assertThat(r.totalSteps()).isLessThanOrEqualTo(cap);
    // the same decisions as without the cap, up to the job that would pass it
    int n = r.events().size();
    assertThat(r.events()).isEqualTo(whole.events().subList(0, n));
    SearchResults.Event next = whole.events().get(n);
    long before = r.events().stream().filter(e -> e.job().trial() == next.job().trial())
        .mapToLong(e -> e.result().steps()).max().orElse(0);
    assertThat(r.totalSteps() + next.budget() - before).isGreaterThan(cap);
    assertThat(SearchReport.markdown(r)).contains("Budget: " + cap + " steps in all; the search stopped there");
    // killed before the cap, continued: the same end
    FakeCurves killed = new FakeCurves();
    killed.failAtCall = 4;
    assertThatThrownBy(() -> capped.apply(killed).run(dir.resolve("part"))).hasMessageContaining("simulated kill");
    FakeCurves rest = new FakeCurves();
    rest.stepsSoFar.putAll(killed.stepsSoFar);
    assertThat(SearchReport.csv(capped.apply(rest).run(dir.resolve("part")))).isEqualTo(SearchReport.csv(r));
    // run again once finished: every result replayed, none counted twice against the cap
    FakeCurves replay = new FakeCurves();
    assertThat(SearchReport.csv(capped.apply(replay).run(dir.resolve("capped")))).isEqualTo(SearchReport.csv(r));
    assertThat(replay.calls).isEmpty();
    // a cap the search does not reach changes nothing
    SearchResults roomy = SchemeSearch.builder("fake", space(), new FakeCurves()).strategy(Strategy.ASHA)
        .trials(9).eta(3).steps(10, 90).seed(3).maxTotalSteps(whole.totalSteps()).build().run(dir.resolve("roomy"));
    assertThat(roomy.stoppedAtBudget()).isFalse();
    assertThat(SearchReport.csv(roomy)).isEqualTo(SearchReport.csv(whole));
    assertThatThrownBy(() -> SchemeSearch.builder("fake", space(), new FakeCurves()).strategy(Strategy.ASHA)
        .steps(10, 90).maxTotalSteps(5).build()).hasMessageContaining("below the first job's 10 steps");
  }

  @Test
  void aKilledHyperbandSearchResumesToTheSameLeaderboard() throws Exception {
    SchemeSearch.Builder hb = SchemeSearch.builder("fake", space(), new FakeCurves())
        .strategy(Strategy.HYPERBAND).eta(3).steps(10, 90).seed(3);
    SearchResults whole = hb.build().run(dir.resolve("whole"));
    assertThat(whole.trials()).hasSize(9 + 5 + 3);
    FakeCurves killed = new FakeCurves();
    killed.failAtCall = 11;
    assertThatThrownBy(() -> SchemeSearch.builder("fake", space(), killed).strategy(Strategy.HYPERBAND)
        .eta(3).steps(10, 90).seed(3).build().run(dir.resolve("part"))).hasMessageContaining("simulated kill");
    FakeCurves rest = new FakeCurves();
    rest.stepsSoFar.putAll(killed.stepsSoFar);
    SearchResults resumed = SchemeSearch.builder("fake", space(), rest).strategy(Strategy.HYPERBAND)
        .eta(3).steps(10, 90).seed(3).build().run(dir.resolve("part"));
    assertThat(rest.calls).hasSize(whole.events().size() - 11);
    assertThat(SearchReport.csv(resumed)).isEqualTo(SearchReport.csv(whole));
  }

  @Test
  void batchesOfJobsGiveTheSameSynchronousSearchAsOneAtATime() throws Exception {
    for (Strategy strategy : List.of(Strategy.SUCCESSIVE_HALVING, Strategy.HYPERBAND)) {
      SchemeSearch.Builder b = SchemeSearch.builder("fake", space(), new FakeCurves()).strategy(strategy)
          .eta(3).steps(10, 90).seed(5);
      if (strategy != Strategy.HYPERBAND) {
        b.trials(9);
      }
      SearchResults one = b.build().run(dir.resolve(strategy.key() + "-1"));
      FakeCurves curves = new FakeCurves();
      List<Integer> batchSizes = new ArrayList<>();
      TrialExecutor threeAtATime = new TrialExecutor() {
        @Override
        public int parallelism() {
          return 3;
        }

        @Override
        public List<TrialResult> run(List<TrialJob> jobs) {
          batchSizes.add(jobs.size());
          return jobs.stream().map(j -> curves.run(j.trial(), j.steps(), j.trialDir())).toList();
        }
      };
      SearchResults batched = b.build().run(dir.resolve(strategy.key() + "-3"), threeAtATime);
      assertThat(SearchReport.csv(batched)).as(strategy.key()).isEqualTo(SearchReport.csv(one));
      assertThat(batchSizes).as(strategy.key()).contains(3).allSatisfy(n -> assertThat(n).isBetween(1, 3));
    }
  }

  @Test
  void reportWritesLeaderboardsBestConfigAndCurves() throws Exception {
    SearchResults r = search(Strategy.ASHA, 7, new FakeCurves()).run(dir);
    List<Path> files = SearchReport.write(r, dir);
    assertThat(files).extracting(p -> p.getFileName().toString()).containsExactlyElementsOf(SearchReport.FILES);
    for (Path f : files) {
      assertThat(Files.size(f)).isPositive();
    }
    JsonObject best = JsonParser.parseString(Files.readString(dir.resolve("best.json"))).getAsJsonObject();
    assertThat(best).isEqualTo(r.leaderboard().get(0).trial().toJson());
    String md = Files.readString(dir.resolve("leaderboard.md"));
    assertThat(md).contains("| rank | trial | method | learning_rate | lr_policy | rung | steps | accuracy | status |");
    assertThat(Files.readString(dir.resolve("leaderboard.csv")).lines().count()).isEqualTo(1 + r.leaderboard().size());
  }

  @Test
  void gridSamplingCrossesTheListsAndRejectsRanges() {
    SearchSpace lists = SearchSpace.parse(JsonParser.parseString(
        "{\"method\": [\"full\", \"bitfit\"], \"learning_rate\": [1e-4, 1e-3, 1e-2]}").getAsJsonObject(), "t");
    SchemeSearch grid = SchemeSearch.builder("g", lists, new FakeCurves()).strategy(Strategy.GRID).build();
    assertThat(SchemeSearch.builder("g", lists, new FakeCurves()).strategy(Strategy.GRID).trials(4).build()
        .trials()).hasSize(4);
    assertThat(grid.trials()).extracting(Trial::describe).containsExactly(
        "method=full learning_rate=1e-4", "method=full learning_rate=1e-3", "method=full learning_rate=1e-2",
        "method=bitfit learning_rate=1e-4", "method=bitfit learning_rate=1e-3", "method=bitfit learning_rate=1e-2");
    assertThatThrownBy(() -> SchemeSearch.builder("g", space(), new FakeCurves()).strategy(Strategy.GRID).build())
        .hasMessageContaining("'axes.learning_rate' is a range");
  }

  @Test
  void badSpacesFailNamingTheKey() {
    assertThatThrownBy(() -> parse("{\"method\": []}"))
        .isInstanceOf(GridConfigException.class).hasMessageContaining("axes.method")
        .hasMessageContaining("non-empty array");
    assertThatThrownBy(() -> parse("{\"learning_rate\": {\"log_uniform\": [1e-3, 1e-5]}}"))
        .hasMessageContaining("axes.learning_rate.log_uniform").hasMessageContaining("low < high");
    assertThatThrownBy(() -> parse("{\"max_grad_nrom\": [1.0]}"))
        .hasMessageContaining("axes.max_grad_nrom").hasMessageContaining("unknown option");
    assertThatThrownBy(() -> parse("{\"method\": [\"full\", \"magic\"]}"))
        .hasMessageContaining("axes.method[1]").hasMessageContaining("magic");
    assertThatThrownBy(() -> parse("{\"batch_size\": {\"uniform\": [0, 8]}}"))
        .hasMessageContaining("axes.batch_size.uniform[0]");
  }

  private static SearchSpace parse(String json) {
    return SearchSpace.parse(JsonParser.parseString(json).getAsJsonObject(), "space.json");
  }
}
