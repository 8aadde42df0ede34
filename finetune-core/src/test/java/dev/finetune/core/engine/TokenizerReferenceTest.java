package dev.finetune.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.testing.SharedResources;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DJL's Hugging Face tokenizer reproduces the PyTorch reference's input ids, offline. */
class TokenizerReferenceTest {

  @Test
  void encodesReferenceSentencesToReferenceIds() throws IOException {
    Path tokenizerJson = SharedResources.require("models/all-minilm-l6-v2/tokenizer.json");
    Path referenceJson = SharedResources.require("reference/all-minilm-l6-v2-forward.json");
    JsonObject reference;
    try (Reader reader = Files.newBufferedReader(referenceJson)) {
      reference = JsonParser.parseReader(reader).getAsJsonObject();
    }
    JsonArray sentences = reference.getAsJsonArray("sentences");
    JsonArray ids = reference.getAsJsonArray("input_ids");
    assertThat(sentences.size()).isEqualTo(3);

    // The shipped tokenizer.json pads every input to 128: switch that off to compare real tokens.
    try (HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.newInstance(
            tokenizerJson, Map.of("padding", "false", "truncation", "true", "maxLength", "512"))) {
      for (int i = 0; i < sentences.size(); i++) {
        Encoding encoding = tokenizer.encode(sentences.get(i).getAsString());
        long[] expected = nonPadding(ids.get(i).getAsJsonArray());
        assertThat(encoding.getIds()).as("sentence %d", i).containsExactly(expected);
      }
    }
  }

  private static long[] nonPadding(JsonArray row) {
    long[] values = new long[row.size()];
    int n = 0;
    for (int i = 0; i < row.size(); i++) {
      long id = row.get(i).getAsLong();
      if (id != 0) {
        values[n++] = id;
      }
    }
    return Arrays.copyOf(values, n);
  }
}
