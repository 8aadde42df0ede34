package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Predict} with a saved token-classification model prints each text's entities as JSONL. */
class PredictEntitiesTest {

  @TempDir Path dir;

  @Test
  void printsTextAndEntitySpansPerLine() throws Exception {
    Path model = dir.resolve("model");
    try (SequenceClassifier ner = TinySetup.tokenModel(0f, 5);
        HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"))) {
      FineTune.of(ner).tokenizer(tokenizer).learningRate(3e-3).batchSize(8).epochs(6)
          .progressBar(false).fit(TinySetup.tokenTask("toy", 128, 1), null, null);
      ner.save(model);
    }
    Path input = Files.write(dir.resolve("in.txt"), List.of("good bad movie", "the"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Predict.run(new String[] {"--model", model.toString(), "--input", input.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
    assertThat(first.get("text").getAsString()).isEqualTo("good bad movie");
    JsonArray entities = first.getAsJsonArray("entities");
    // ids: good 5, bad 6, movie 7: only "bad" has an even id
    assertThat(entities).hasSize(1);
    JsonObject bad = entities.get(0).getAsJsonObject();
    assertThat(bad.get("type").getAsString()).isEqualTo("EVEN");
    assertThat(bad.get("start").getAsInt()).isEqualTo(5);
    assertThat(bad.get("end").getAsInt()).isEqualTo(8);
    assertThat(bad.get("text").getAsString()).isEqualTo("bad");
    assertThat(JsonParser.parseString(lines.get(1)).getAsJsonObject().getAsJsonArray("entities"))
        .as("'the' has id 11").isEmpty();

    int csv = Predict.run(new String[] {"--model", model.toString(), "--input", input.toString(),
        "--format", "csv"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(csv).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("drop --format csv");
  }
}
