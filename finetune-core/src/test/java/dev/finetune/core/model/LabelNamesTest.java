package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.train.FineTune;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelNamesTest {

  @TempDir Path dir;

  @Test
  void namesTravelFromTheDataSetToConfigJsonAndBack() throws Exception {
    TextDataset train = TextDataset.of("toy",
        List.of(TextExample.of("a good movie", 1), TextExample.of("a bad film", 0),
            TextExample.of("the film was very good", 2)),
        List.of("negative", "positive", "rave"));
    try (SequenceClassifier model = TinyFixtures.bert(3, 1)) {
      assertThat(model.labelNames()).containsExactly("LABEL_0", "LABEL_1", "LABEL_2");
      assertThat(model.hasDefaultLabelNames()).isTrue();
      FineTune.of(model).epochs(1).batchSize(2).fit(train, null);
      assertThat(model.labelNames()).containsExactly("negative", "positive", "rave");
      model.save(dir);
    }
    JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json")))
        .getAsJsonObject();
    assertThat(config.getAsJsonObject("id2label").get("2").getAsString()).isEqualTo("rave");
    assertThat(config.getAsJsonObject("label2id").get("positive").getAsInt()).isEqualTo(1);
    PretrainedEncoder loaded = Encoders.load(dir);
    assertThat(loaded.savedLabelNames()).containsExactly("negative", "positive", "rave");
    try (SequenceClassifier again = loaded.forSequenceClassification(3);
        SequenceClassifier fresh = loaded.classifier().numLabels(3).freshHead(true).build()) {
      assertThat(again.labelNames()).containsExactly("negative", "positive", "rave");
      assertThat(fresh.hasDefaultLabelNames()).isTrue();
    }
  }

  @Test
  void namesSetByHandAreKeptByFit() {
    TextDataset train = TextDataset.of("toy",
        List.of(TextExample.of("a good movie", 1), TextExample.of("a bad film", 0)),
        List.of("0", "1"));
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      model.labelNames(List.of("neg", "pos"));
      FineTune.of(model).epochs(1).batchSize(2).fit(train, null);
      assertThat(model.labelNames()).containsExactly("neg", "pos");
    }
  }

  @Test
  void badNamesAreRefusedWithTheReason() {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      assertThatThrownBy(() -> model.labelNames(List.of("only")))
          .hasMessageContaining("2 output(s) but 1 label names");
      assertThatThrownBy(() -> model.labelNames(List.of("x", "x")))
          .hasMessageContaining("different");
    }
  }

  @Test
  void aConfigWithGapsInId2labelIsNamed() throws Exception {
    try (SequenceClassifier model = TinyFixtures.bert(2, 1)) {
      model.save(dir);
    }
    Path config = dir.resolve("config.json");
    JsonObject o = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
    JsonObject broken = new JsonObject();
    broken.addProperty("0", "a");
    broken.addProperty("5", "b");
    o.add("id2label", broken);
    Files.writeString(config, o.toString());
    assertThatThrownBy(() -> Encoders.load(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("id2label")
        .hasMessageContaining("0 .. 1");
  }
}
