package dev.finetune.experiments.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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

  /**
   * A curve that peaks at LR 1e-4 and rises with steps; records every call. A run with a seed of
   * its own (a confirmation) returns the value set for its trial and seed in {@code seeded}.
   */
  private static final class FakeCurves implements TrialRunner {
    final List<String> calls = new ArrayList<>();
    final Map<String, Long> stepsSoFar = new HashMap<>();
    final Map<String, Double> seeded = new HashMap<>();
    int failAtCall = -1;

    @Override
    public TrialResult run(Trial trial, long steps, Path trialDir) {
      if (calls.size() == failAtCall) {
        throw new IllegalStateException("simulated kill");
      }
      String key = trial.seed() == null ? trial.id() : trial.id() + "/seed-" + trial.seed();
      calls.add(key + "@" + steps);
      long before = stepsSoFar.getOrDefault(key, 0L);
      assertThat(steps).as("a trial only grows").isGreaterThan(before);
      stepsSoFar.put(key, steps);
      if (trial.seed() != null) {
        assertThat(trialDir.getFileName().toString()).as("a confirmation run has its own folder")
            .isEqualTo("seed-" + trial.seed());
        assertThat(trialDir.getParent().getFileName().toString()).isEqualTo(trial.id());
        double value = seeded.getOrDefault(key, 0.5);
        return new TrialResult(steps, value, 0, Map.of("accuracy", value));
      }
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
      List<Integer> batchSizes = new ArrayList<>();
      SearchResults batched = b.build().run(dir.resolve(strategy.key() + "-3"),
          batches(3, new FakeCurves(), batchSizes));
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

  /** An executor that trains batches of up to {@code parallelism} jobs on the curves, noting each batch's size. */
  private static TrialExecutor batches(int parallelism, FakeCurves curves, List<Integer> sizes) {
    return new TrialExecutor() {
      @Override
      public int parallelism() {
        return parallelism;
      }

      @Override
      public List<TrialResult> run(List<TrialJob> jobs) {
        sizes.add(jobs.size());
        return jobs.stream().map(j -> curves.run(j.trial(), j.steps(), j.trialDir())).toList();
      }
    };
  }

  /** Fake curves whose confirmation runs of two trials give these values for seeds 1, 2, .... */
  private static FakeCurves seeded(Trial a, List<Double> aValues, Trial b, List<Double> bValues) {
    FakeCurves curves = new FakeCurves();
    for (int i = 0; i < aValues.size(); i++) {
      curves.seeded.put(a.id() + "/seed-" + (i + 1), aValues.get(i));
      curves.seeded.put(b.id() + "/seed-" + (i + 1), bValues.get(i));
    }
    return curves;
  }

  private static SchemeSearch confirmed(TrialRunner runner, int top, long... seeds) {
    return SchemeSearch.builder("fake", space(), runner).strategy(Strategy.ASHA).trials(9).eta(3)
        .steps(10, 90).seed(7).confirm(top, seeds).build();
  }

  @Test
  void confirmationTrainsTheLeadersAgainWithFreshSeedsAndTheBestMeanWins() throws Exception {
    SearchResults plain = search(Strategy.ASHA, 7, new FakeCurves()).run(dir.resolve("plain"));
    Trial first = plain.leaderboard().get(0).trial();
    Trial second = plain.leaderboard().get(1).trial();
    // the search's leader was lucky on its seed: over fresh seeds the runner-up is better
    FakeCurves curves = seeded(first, List.of(0.70, 0.74, 0.72), second, List.of(0.75, 0.73, 0.77));
    List<Integer> batchSizes = new ArrayList<>();
    SearchResults r = confirmed(curves, 2, 1, 2, 3).run(dir.resolve("confirmed"), batches(2, curves, batchSizes));

    assertThat(curves.calls.subList(curves.calls.size() - 6, curves.calls.size())).containsExactly(
        first.id() + "/seed-1@90", first.id() + "/seed-2@90", first.id() + "/seed-3@90",
        second.id() + "/seed-1@90", second.id() + "/seed-2@90", second.id() + "/seed-3@90");
    assertThat(batchSizes.subList(batchSizes.size() - 3, batchSizes.size())).containsExactly(2, 2, 2);
    // the search itself is the plain one; the confirmation's steps are apart
    assertThat(SearchReport.csv(r)).startsWith(SearchReport.csv(plain).lines().findFirst().orElseThrow());
    assertThat(r.leaderboard()).extracting(row -> row.trial().id())
        .containsExactlyElementsOf(plain.leaderboard().stream().map(row -> row.trial().id()).toList());
    assertThat(r.totalSteps()).isEqualTo(plain.totalSteps());
    assertThat(r.confirmationSteps()).isEqualTo(6 * 90);

    List<SearchResults.ConfirmedRow> rows = r.confirmed();
    assertThat(rows).extracting(c -> c.trial().id()).containsExactly(second.id(), first.id());
    assertThat(rows).extracting(SearchResults.ConfirmedRow::searchRank).containsExactly(2, 1);
    assertThat(rows.get(0).seeds()).containsExactly(1L, 2L, 3L);
    // 0.75, 0.73, 0.77: mean 0.75, sample sd 0.02; 0.70, 0.74, 0.72: mean 0.72, sd 0.02
    assertThat(rows.get(0).stat().mean()).isCloseTo(0.75, within(1e-12));
    assertThat(rows.get(0).stat().std()).isCloseTo(0.02, within(1e-12));
    assertThat(rows.get(1).stat().mean()).isCloseTo(0.72, within(1e-12));
    assertThat(r.winner()).isEqualTo(second);

    SearchReport.write(r, dir.resolve("confirmed"));
    JsonObject best = JsonParser.parseString(Files.readString(dir.resolve("confirmed/best.json"))).getAsJsonObject();
    assertThat(best).isEqualTo(second.toJson());
    String md = Files.readString(dir.resolve("confirmed/leaderboard.md"));
    assertThat(md).contains("## Confirmed over training seeds", "seeds [1, 2, 3]; 540 optimizer steps",
        "the winner (`best.json`) is " + second.id(), "| rank | trial | search rank | search's seed | seed 1 | seed 2 | seed 3 | mean ± sd |",
        "| 1 | " + second.id() + " | 2 | ", "| 0.7500 | 0.7300 | 0.7700 | 0.7500 ± 0.0200 |");
    JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("confirmed/leaderboard.json"))).getAsJsonObject();
    assertThat(json.getAsJsonObject("confirmation").get("winner").getAsString()).isEqualTo(second.id());
    assertThat(json.getAsJsonObject("confirmation").get("steps").getAsLong()).isEqualTo(540);
    assertThat(json.getAsJsonObject("confirmation").getAsJsonArray("trials").get(0).getAsJsonObject()
        .getAsJsonObject("means").get("accuracy").getAsDouble()).isCloseTo(0.75, within(1e-12));
    List<String> csv = Files.readAllLines(dir.resolve("confirmed/leaderboard.csv"));
    assertThat(csv.get(0)).endsWith(",status,confirmed_rank,confirmed_mean,confirmed_sd,confirmed_n");
    String[] leader = csv.get(1).split(",");
    assertThat(leader[1]).isEqualTo(first.id());
    assertThat(leader[leader.length - 4]).isEqualTo("2");
    assertThat(Double.parseDouble(leader[leader.length - 3])).isCloseTo(0.72, within(1e-12));
    assertThat(Double.parseDouble(leader[leader.length - 2])).isCloseTo(0.02, within(1e-12));
    assertThat(leader[leader.length - 1]).isEqualTo("3");
    assertThat(csv.get(3)).endsWith(",,,,");
    JsonObject seedFile = JsonParser.parseString(Files.readString(dir.resolve("confirmed/trials/" + first.id()
        + "/seed-2.json"))).getAsJsonObject();
    assertThat(seedFile.get("training_seed").getAsLong()).isEqualTo(2);
    assertThat(seedFile.get("metric").getAsDouble()).isEqualTo(0.74);
  }

  @Test
  void aConfirmationAddedToAFinishedSearchTrainsOnlyItselfAndResumesWhenKilled() throws Exception {
    SearchResults plain = search(Strategy.ASHA, 7, new FakeCurves()).run(dir);
    FakeCurves killed = new FakeCurves();
    killed.failAtCall = 2;
    assertThatThrownBy(() -> confirmed(killed, 2, 1, 2).run(dir)).hasMessageContaining("simulated kill");
    assertThat(killed.calls).hasSize(2).allSatisfy(c -> assertThat(c).contains("/seed-").endsWith("@90"));
    FakeCurves rest = new FakeCurves();
    SearchResults r = confirmed(rest, 2, 1, 2).run(dir);
    assertThat(rest.calls).as("the two confirmation runs the kill left").hasSize(2)
        .doesNotContainAnyElementsOf(killed.calls);
    assertThat(r.confirmed()).hasSize(2).allSatisfy(row -> assertThat(row.values()).hasSize(2));
    FakeCurves none = new FakeCurves();
    SearchResults again = confirmed(none, 2, 1, 2).run(dir);
    assertThat(none.calls).isEmpty();
    assertThat(SearchReport.markdown(again)).isEqualTo(SearchReport.markdown(r));
    // the plain search on the same folder still reads as itself
    assertThat(SearchReport.csv(search(Strategy.ASHA, 7, new FakeCurves()).run(dir)))
        .isEqualTo(SearchReport.csv(plain));
  }

  @Test
  void aTrialThatDivergesOnAConfirmationSeedRanksAfterTheOthers() throws Exception {
    SearchResults plain = search(Strategy.ASHA, 7, new FakeCurves()).run(dir.resolve("plain"));
    Trial first = plain.leaderboard().get(0).trial();
    Trial second = plain.leaderboard().get(1).trial();
    FakeCurves curves = seeded(first, List.of(Double.NaN, 0.9), second, List.of(0.6, 0.6));
    SearchResults r = confirmed(curves, 2, 1, 2).run(dir.resolve("nan"));
    assertThat(r.confirmed()).extracting(c -> c.trial().id()).containsExactly(second.id(), first.id());
    assertThat(r.confirmed().get(1).diverged()).isEqualTo(1);
    assertThat(r.confirmed().get(1).stat().n()).isEqualTo(1);
    assertThat(r.winner()).isEqualTo(second);
    assertThat(SearchReport.markdown(r)).contains("| NaN | 0.9000 | 0.9000 (1 diverged) |");
  }

  @Test
  void badConfirmationsFailNamingTheProblem() {
    SchemeSearch.Builder b = SchemeSearch.builder("fake", space(), new FakeCurves());
    assertThatThrownBy(() -> b.confirm(0, 1)).hasMessageContaining("confirm top must be at least 1, got 0");
    assertThatThrownBy(() -> b.confirm(1)).hasMessageContaining("at least one seed");
    assertThatThrownBy(() -> b.confirm(1, 3, 3)).hasMessageContaining("seed 3 is given twice");
  }

  private static SearchSpace parse(String json) {
    return SearchSpace.parse(JsonParser.parseString(json).getAsJsonObject(), "space.json");
  }
}
