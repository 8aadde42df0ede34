package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The settings table: derived spellings, lookup by any of them, defaults, ranges and the report. */
class TrainingSettingsTest {

  @Test
  void everySettingHasOneConsistentSpellingPerSurface() {
    Set<String> seen = new HashSet<>();
    for (Setting<?> s : TrainingSettings.ALL) {
      assertThat(s.name()).as("camelCase").matches("[a-z][a-zA-Z0-9]*");
      assertThat(s.jsonKey()).as(s.name()).matches("[a-z0-9]+(_[a-z0-9]+)*")
          .isEqualTo(s.name().replaceAll("([A-Z])", "_$1").toLowerCase());
      assertThat(s.optionName()).isEqualTo(s.jsonKey().replace('_', '-'));
      assertThat(s.flag()).isEqualTo("--" + s.optionName());
      // the camelCase name comes back from the snake_case one
      StringBuilder camel = new StringBuilder();
      for (String part : s.jsonKey().split("_")) {
        camel.append(camel.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
      }
      assertThat(camel.toString()).isEqualTo(s.name());
      for (String spelling : new String[] {s.name(), s.jsonKey(), s.optionName(), s.flag()}) {
        assertThat(TrainingSettings.find(spelling)).as(spelling).isSameAs(s);
      }
      assertThat(seen.add(s.jsonKey())).as("unique " + s.jsonKey()).isTrue();
      assertThat(s.help()).isNotBlank();
      assertThat(defaultIsValid(s)).as("default of " + s).isTrue();
    }
    assertThat(TrainingSettings.MAX_GRAD_NORM.jsonKey()).isEqualTo("max_grad_norm");
    assertThat(TrainingSettings.MAX_GRAD_NORM.flag()).isEqualTo("--max-grad-norm");
  }

  private static <T> boolean defaultIsValid(Setting<T> s) {
    return s.isValid(s.defaultValue()) && s.coerce(s.defaultValue()).orElseThrow().equals(s.defaultValue());
  }

  @Test
  void theConfigTakesDefaultsFromTheTableAndReportsEverySetting() {
    TrainingConfig config = TrainingConfig.builder().build();
    for (Setting<?> s : TrainingSettings.ALL) {
      assertThat(config.get(s)).as(s.name()).isEqualTo(s.defaultValue());
      assertThat(config.describe()).as(s.name()).containsEntry(s.jsonKey(), s.reported(s.defaultValue()));
    }
    assertThat(config.epochs()).isEqualTo(3);
    assertThat(config.maxGradNorm()).isEqualTo(1.0);
    assertThat(config.device()).isEqualTo(Device.cpu());
    assertThat(config.describe()).containsEntry("device", "cpu"); // the text --device reads, not DJL's cpu()
  }

  @Test
  void anySpellingSetsASettingFromTextOrNumbers() {
    TrainingConfig config = TrainingConfig.builder()
        .set("max_grad_norm", 0.5).set("--epochs", "2").set("batchSize", 8L)
        .set("learning-rate", "1e-4").set("progress", "false").set("seed", 7).build();
    assertThat(config.maxGradNorm()).isEqualTo(0.5);
    assertThat(config.epochs()).isEqualTo(2);
    assertThat(config.batchSize()).isEqualTo(8);
    assertThat(config.learningRate()).isEqualTo(1e-4);
    assertThat(config.progress()).isFalse();
    assertThat(config.seed()).isEqualTo(7L);
    assertThat(config.toBuilder().build().describe()).isEqualTo(config.describe());
  }

  @Test
  void badValuesNameTheSettingAsSpeltAndUnknownNamesListTheKnownOnes() {
    assertThatThrownBy(() -> TrainingConfig.builder().epochs(0))
        .hasMessage("epochs must be >= 1, got 0");
    assertThatThrownBy(() -> TrainingConfig.builder().set("--max-grad-norm", "-1"))
        .hasMessage("--max-grad-norm must be >= 0 (0 = no clipping), got -1.0");
    assertThatThrownBy(() -> TrainingConfig.builder().set("batch_size", "many"))
        .hasMessage("batch_size must be a whole number, got 'many'");
    assertThatThrownBy(() -> TrainingConfig.builder().set("epochs", 1.5))
        .hasMessage("epochs must be a whole number, got 1.5");
    assertThatThrownBy(() -> TrainingConfig.builder().learningRate(Double.NaN))
        .hasMessage("learningRate must be > 0, got NaN");
    assertThatThrownBy(() -> TrainingConfig.builder().set("device", "tpu"))
        .hasMessageStartingWith("device must be cpu, gpu, gpu:N or cuda:N, got 'tpu'");
    assertThatThrownBy(() -> TrainingConfig.builder().set("maxGradNrom", 1))
        .hasMessageStartingWith("unknown setting 'maxGradNrom'; known settings: [epochs, batchSize,")
        .hasMessageContaining("maxGradNorm");
  }
}
