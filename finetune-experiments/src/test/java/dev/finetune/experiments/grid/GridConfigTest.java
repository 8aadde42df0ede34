package dev.finetune.experiments.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.Setting;
import dev.finetune.core.train.TinySetup;
import dev.finetune.core.train.TrainingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config files: a good one builds the expected cells (nothing loads); bad ones say what is wrong. */
class GridConfigTest {

  @TempDir Path dir;

  private static final String GOOD = """
      {
        "name": "sst2-methods", "task": "sst2", "data": "data/sst2",
        "layers": 2, "train_size": 500, "validation_size": 200, "seeds": [42, 43],
        "epochs": 2, "batch_size": 32, "max_length": 64, "learning_rate": 5e-5,
        "schedule": "linear_with_warmup(warmup_ratio=0.1)",
        "axes": {
          "method": ["full", "bitfit", {"name": "lora16", "value": "lora(16)"}],
          "lr_policy": ["uniform", "layerwise_decay(0.9)"],
          "callbacks": [[], ["swa(0.25)", "reinit_top(1)"]]
        }
      }
      """;

  private static ExperimentGrid parse(String json) {
    return GridConfig.parse(json, "grid.json", Path.of("."));
  }

  @Test
  void goodConfigBuildsTheCrossedCellsWithoutLoadingAnything() throws Exception {
    Path file = Files.writeString(dir.resolve("grid.json"), GOOD);
    ExperimentGrid grid = GridConfig.read(file);
    assertThat(grid.name()).isEqualTo("sst2-methods");
    assertThat(grid.seeds()).containsExactly(42L, 43L);
    assertThat(grid.axes()).extracting(Axis::name).containsExactly("method", "lr_policy", "callbacks");
    assertThat(grid.cells()).hasSize(3 * 2 * 2 * 2);
    assertThat(grid.cells().get(0).id()).isEqualTo("full__uniform__none__s42");
    assertThat(grid.cells().get(11).id()).isEqualTo("lora16__layerwise_decay_0.9__swa_0.25_reinit_top_1__s42");
    assertThat(grid.description()).anySatisfy(l -> assertThat(l).contains("train sample 500"))
        .anySatisfy(l -> assertThat(l).contains("first 2 layers"))
        .anySatisfy(l -> assertThat(l).isEqualTo("learning_rate = 5e-5"));
  }

  @Test
  void badConfigsNameTheKeyTheExpectationAndTheValue() {
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"axes\": {\"method\": [\"full\", \"magic\"]}}"))
        .isInstanceOf(GridConfigException.class)
        .hasMessage("grid.json: key 'axes.method[1]': expected one of [full, lora(8), ia3, prompt(20),"
            + " prefix(20), houlsby(16), pfeiffer(16), parallel(16), bitfit, head, embeddings, encoder,"
            + " top_layers(K)], got \"magic\"");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"lr_policy\": \"layerwise_decay\"}"))
        .hasMessageEndingWith("got \"layerwise_decay\" ('layerwise_decay' needs the decay, e.g. layerwise_decay(...))");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"epochs\": \"three\"}"))
        .hasMessage("grid.json: key 'epochs': expected a whole number, got the string \"three\"");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"epochs\": 1.5}"))
        .hasMessage("grid.json: key 'epochs': expected a whole number, got the number 1.5");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"mnli\"}"))
        .hasMessage("grid.json: key 'task': expected one of [sst2, cola, imdb, mrpc, stsb, trec,"
            + " trec_fine, goemotions, conll2003], got \"mnli\"");
    // a token task is a task like any other now (TokenTaskGridTest trains one)
    assertThat(parse("{\"name\": \"x\", \"task\": \"conll2003\"}").cells()).hasSize(1);
    assertThatThrownBy(() -> parse("{\"task\": \"sst2\"}"))
        .hasMessage("grid.json: key 'name': expected a string, got nothing (the key is required)");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"epoch\": 3}"))
        .hasMessageStartingWith("grid.json: key 'epoch': expected one of [")
        .hasMessageEndingWith("got an unknown key");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"axes\": {\"learning_rate\": [1e-4, -1]}}"))
        .hasMessage("grid.json: key 'axes.learning_rate[1]': expected a number > 0, got the number -1");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"axes\": {\"method\": []}}"))
        .hasMessage("grid.json: key 'axes.method': expected a non-empty array of values, got the array []");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"schedule\": \"NoSuchLR(x=1)\"}"))
        .hasMessageStartingWith("grid.json: key 'schedule': expected one of [a spec for Schedules.parse");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"seeds\": [1, 1]}"))
        .hasMessageContaining("key 'seeds': expected distinct seeds");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", "))
        .hasMessageStartingWith("grid.json: key '(root)': expected valid JSON, got a syntax error");
    assertThatThrownBy(() -> GridConfig.read(dir.resolve("missing.json")))
        .hasMessageContaining("missing.json: key '(file)': expected a readable JSON file, got NoSuchFileException");
  }

  /** A setting's default as JSON: numbers and booleans as such, other kinds as their name. */
  private static String json(Setting<?> s) {
    return s.defaultValue() instanceof Device ? "\"cpu\"" : String.valueOf(s.defaultValue());
  }

  @Test
  void everyTrainingSettingIsAKeyAndAnAxisUnderItsJsonName() {
    for (Setting<?> s : TrainingSettings.ALL) {
      assertThat(GridConfig.OPTIONS).contains(s.jsonKey());
      String top = "{\"name\": \"x\", \"task\": \"sst2\", \"" + s.jsonKey() + "\": " + json(s) + "}";
      String axis = "{\"name\": \"x\", \"task\": \"sst2\", \"axes\": {\"" + s.jsonKey() + "\": ["
          + json(s) + "]}}";
      if (s == TrainingSettings.SEED) {
        assertThatThrownBy(() -> parse(top)).hasMessageContaining("key 'seed': expected the top-level \"seeds\"");
        assertThatThrownBy(() -> parse(axis)).hasMessageContaining("key 'axes.seed[0]'");
        continue;
      }
      assertThat(parse(top).description()).as(s.jsonKey()).contains(s.jsonKey() + " = " + json(s).replace("\"", ""));
      assertThat(parse(axis).axes()).as(s.jsonKey()).extracting(Axis::name).containsExactly(s.jsonKey());
    }
  }

  @Test
  void aSettingAxisConfiguresTheChainAndRecordsTheValue() {
    ExperimentGrid grid = parse("{\"name\": \"x\", \"task\": \"sst2\", \"max_grad_norm\": 0.25,"
        + " \"axes\": {\"accumulation\": [1, 2], \"device\": [\"cpu\"]}}");
    assertThat(grid.cells()).extracting(Cell::id).containsExactly("1__cpu__s42", "2__cpu__s42");
    Cell cell = grid.cells().get(1);
    CellSetup setup = new CellSetup(cell, null);
    grid.axes().forEach(a -> a.variant(cell.value(a.name())).configure().accept(setup));
    assertThat(setup.settings()).containsEntry("accumulation", "2").containsEntry("device", "cpu");
    try (SequenceClassifier model = TinySetup.model(0f, 1)) {
      FineTune chain = FineTune.of(model);
      setup.applyTo(chain);
      assertThat(chain.config().accumulation()).isEqualTo(2);
      assertThat(chain.config().device()).isEqualTo(Device.cpu());
    }
  }

  @Test
  void outOfRangeSettingsNameTheJsonKey() {
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"max_grad_norm\": -1}"))
        .hasMessage("grid.json: key 'max_grad_norm': expected a number >= 0 (0 = no clipping), got the number -1");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"axes\": {\"batch_size\": [8, 0]}}"))
        .hasMessage("grid.json: key 'axes.batch_size[1]': expected a whole number >= 1, got the number 0");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"progress\": \"yes\"}"))
        .hasMessage("grid.json: key 'progress': expected true or false, got the string \"yes\"");
    assertThatThrownBy(() -> parse("{\"name\": \"x\", \"task\": \"sst2\", \"device\": \"tpu\"}"))
        .hasMessage("grid.json: key 'device': expected cpu, gpu, gpu:N or cuda:N, got the string \"tpu\"");
  }
}
