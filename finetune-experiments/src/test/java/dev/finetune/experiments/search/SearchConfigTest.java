package dev.finetune.experiments.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.finetune.experiments.grid.GridConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Search files: a grid config with a space and a search object; no training. */
class SearchConfigTest {

  private static final Path BASE = Path.of("/data/configs");

  private static final String FILE = """
      {"name": "sst2-search", "task": "sst2", "data": "../sst2", "epochs": 3, "batch_size": 32,
       "axes": {"method": ["full", "bitfit"], "learning_rate": {"log_uniform": [1e-5, 1e-3]}},
       "search": {"strategy": "successive_halving", "trials": 9, "eta": 3, "min_steps": 10,
                  "max_steps": 90, "seed": 7, "metric": "mcc"}}
      """;

  @Test
  void readsTheSpaceAndSettingsAndWritesTrialsAsGridConfigs() {
    SchemeSearch search = SearchConfig.parse(FILE, "search.json", BASE);
    assertThat(search.trials()).hasSize(9);
    assertThat(search.rungSteps()).containsExactly(10L, 30L, 90L);
    Trial t = search.trials().get(0);
    JsonObject config = SearchConfig.trialConfig(
        com.google.gson.JsonParser.parseString(FILE).getAsJsonObject(), t);
    assertThat(config.get("method")).isEqualTo(t.values().get("method"));
    assertThat(config.get("learning_rate")).isEqualTo(t.values().get("learning_rate"));
    // the trial's config is a valid one-cell grid file
    config.remove("axes");
    config.remove("search");
    assertThat(GridConfig.parse(config.toString(), "t", BASE).cells()).hasSize(1);
  }

  @Test
  void badSearchSettingsFailNamingTheKey() {
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("\"eta\"", "\"etta\""), "search.json", BASE))
        .hasMessageContaining("search.etta").hasMessageContaining("unknown key");
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("successive_halving", "bohb"), "search.json", BASE))
        .hasMessageContaining("unknown strategy 'bohb'");
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("successive_halving", "hyperband"), "search.json", BASE))
        .hasMessageContaining("search.trials").hasMessageContaining("no trials with hyperband");
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("\"epochs\": 3", "\"seeds\": [1, 2]"), "search.json", BASE))
        .hasMessageContaining("'seeds'").hasMessageContaining("one seed");
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("\"min_steps\": 10", "\"min_steps\": 100"), "search.json", BASE))
        .hasMessageContaining("min_steps <= max_steps");
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("\"full\", \"bitfit\"", ""), "search.json", BASE))
        .hasMessageContaining("axes.method");
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("\"seed\": 7", "\"seed\": 7, \"max_total_steps\": 0"),
        "search.json", BASE)).hasMessageContaining("search.max_total_steps").hasMessageContaining(">= 1");
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("\"seed\": 7", "\"seed\": 7, \"max_total_steps\": 5"),
        "search.json", BASE)).hasMessageContaining("search").hasMessageContaining("below the first job's 10 steps");
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("\"seed\": 7", "\"seed\": 7, \"max_total_steps\": \"lots\""),
        "search.json", BASE)).hasMessageContaining("search.max_total_steps").hasMessageContaining("whole number");
  }

  @Test
  void firstTrialsRunBeforeTheSampledOnesWhichStayThePlainSearchsDraws() {
    String points = "\"metric\": \"mcc\", \"first_trials\": [{\"method\": \"full\","
        + " \"learning_rate\": 1e-4}, {\"method\": \"bitfit\", \"learning_rate\": 0.01}]";
    SchemeSearch plain = SearchConfig.parse(FILE, "search.json", BASE);
    SchemeSearch seeded = SearchConfig.parse(FILE.replace("\"metric\": \"mcc\"", points),
        "search.json", BASE);
    assertThat(seeded.trials()).hasSize(9);
    assertThat(seeded.trials().get(0).values().get("method").getAsString()).isEqualTo("full");
    assertThat(seeded.trials().get(0).values().get("learning_rate").getAsDouble())
        .isEqualTo(1e-4);
    // a first trial may lie outside a range (the grid's Nesterov LR, say): it is a given point
    assertThat(seeded.trials().get(1).values().get("learning_rate").getAsDouble())
        .isEqualTo(0.01);
    for (int i = 2; i < 9; i++) {
      assertThat(seeded.trials().get(i).values()).isEqualTo(plain.trials().get(i - 2).values());
    }
  }

  @Test
  void theSamplerIsNamedInTheSearchObjectAndABadOneFailsNamingTheKey() {
    SchemeSearch tpe = SearchConfig.parse(FILE.replace("\"metric\": \"mcc\"",
        "\"metric\": \"mcc\", \"sampler\": \"tpe(startup_trials=4)\""), "search.json", BASE);
    assertThat(tpe.sampler().spec()).isEqualTo("tpe(startup_trials=4,gamma=0.1,candidates=24)");
    assertThat(tpe.trialCount()).isEqualTo(9);
    // the 4 random startup trials are drawn before anything trains: the plain search's first 4
    assertThat(tpe.trials()).isEqualTo(SearchConfig.parse(FILE, "search.json", BASE).trials().subList(0, 4));
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("\"metric\": \"mcc\"",
        "\"metric\": \"mcc\", \"sampler\": \"bohb\""), "search.json", BASE))
        .hasMessageContaining("search.sampler").hasMessageContaining("unknown sampler 'bohb'");
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("\"metric\": \"mcc\"",
        "\"metric\": \"mcc\", \"sampler\": \"tpe(candidates=0)\""), "search.json", BASE))
        .hasMessageContaining("search.sampler").hasMessageContaining("candidates must be between 1 and 10000");
    assertThatThrownBy(() -> SearchConfig.parse(FILE.replace("\"metric\": \"mcc\"",
        "\"metric\": \"mcc\", \"sampler\": 3"), "search.json", BASE))
        .hasMessageContaining("search.sampler").hasMessageContaining("a string");
  }

  @Test
  void badFirstTrialsFailNamingTheKey() {
    String ok = "{\"method\": \"full\", \"learning_rate\": 1e-4}";
    java.util.function.Function<String, String> with = list ->
        FILE.replace("\"metric\": \"mcc\"", "\"metric\": \"mcc\", \"first_trials\": " + list);
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("{}"), "search.json", BASE))
        .hasMessageContaining("search.first_trials").hasMessageContaining("an array");
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("[{\"method\": \"full\"}]"),
        "search.json", BASE))
        .hasMessageContaining("search.first_trials[0].learning_rate")
        .hasMessageContaining("a value for every axis");
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("[" + ok + ", {\"method\": \"full\","
        + " \"learning_rate\": 1e-4, \"epochs\": 2}]"), "search.json", BASE))
        .hasMessageContaining("search.first_trials[1].epochs")
        .hasMessageContaining("an option the space does not search");
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("[{\"method\": \"lora(-1)\","
        + " \"learning_rate\": 1e-4}]"), "search.json", BASE))
        .hasMessageContaining("search.first_trials[0].method");
    String ten = String.join(", ", java.util.Collections.nCopies(10, ok));
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("[" + ten + "]"), "search.json", BASE))
        .hasMessageContaining("first_trials holds 10 trials but the search runs 9");
  }

  @Test
  void confirmReadsTopAndSeedsAndBadOnesFailNamingTheKey() {
    java.util.function.Function<String, String> with = confirm ->
        FILE.replace("\"metric\": \"mcc\"", "\"metric\": \"mcc\", \"confirm\": " + confirm);
    SchemeSearch ok = SearchConfig.parse(with.apply("{\"top\": 2, \"seeds\": [1, 2, 3]}"), "search.json", BASE);
    // the confirmation does not change the search's trials
    assertThat(ok.trials()).isEqualTo(SearchConfig.parse(FILE, "search.json", BASE).trials());
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("[1, 2]"), "search.json", BASE))
        .hasMessageContaining("search.confirm").hasMessageContaining("an object");
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("{\"seeds\": [1], \"repeats\": 3}"), "search.json", BASE))
        .hasMessageContaining("search.confirm.repeats").hasMessageContaining("unknown key");
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("{\"top\": 0, \"seeds\": [1]}"), "search.json", BASE))
        .hasMessageContaining("search.confirm.top").hasMessageContaining(">= 1");
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("{\"top\": 2}"), "search.json", BASE))
        .hasMessageContaining("search.confirm.seeds").hasMessageContaining("non-empty array");
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("{\"seeds\": []}"), "search.json", BASE))
        .hasMessageContaining("search.confirm.seeds").hasMessageContaining("non-empty array");
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("{\"seeds\": [1, 2.5]}"), "search.json", BASE))
        .hasMessageContaining("search.confirm.seeds[1]").hasMessageContaining("whole number");
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("{\"seeds\": [1, 2, 1]}"), "search.json", BASE))
        .hasMessageContaining("search.confirm.seeds[2]").hasMessageContaining("distinct")
        .hasMessageContaining("seeds[0]");
    // the search trains with seed 42 (the grid default): its leaders were chosen on it
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("{\"seeds\": [1, 42]}"), "search.json", BASE))
        .hasMessageContaining("search.confirm.seeds[1]").hasMessageContaining("training seed 42");
    assertThatThrownBy(() -> SearchConfig.parse(with.apply("{\"seeds\": [1, 7]}").replace("\"epochs\": 3",
        "\"epochs\": 3, \"seeds\": [7]"), "search.json", BASE))
        .hasMessageContaining("search.confirm.seeds[1]").hasMessageContaining("training seed 7");
  }
}
