package dev.finetune.core.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;

/**
 * Reads the size of a Hugging Face {@code tokenizer.json} vocabulary (model vocabulary and added
 * tokens), to check that every id the tokenizer can emit has a row in the word embeddings.
 *
 * <pre>{@code
 * int ids = TokenizerVocabulary.idCount(Files.readAllBytes(dir.resolve("tokenizer.json")));
 * }</pre>
 */
public final class TokenizerVocabulary {

  private TokenizerVocabulary() {}

  /**
   * One more than the highest token id the tokenizer can produce.
   *
   * @param tokenizerJson the bytes of {@code tokenizer.json}
   * @return the number of ids needed in the embedding table
   * @throws CheckpointException when the JSON has no readable vocabulary
   */
  public static int idCount(byte[] tokenizerJson) {
    JsonObject root;
    try {
      root = JsonParser.parseString(new String(tokenizerJson, StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new CheckpointException("tokenizer.json is not valid JSON: " + e.getMessage(), e);
    }
    long max = -1;
    JsonObject model = root.has("model") ? root.getAsJsonObject("model") : null;
    JsonElement vocab = model == null ? null : model.get("vocab");
    if (vocab == null) {
      throw new CheckpointException("tokenizer.json has no model.vocab");
    }
    if (vocab.isJsonObject()) {
      for (var e : vocab.getAsJsonObject().entrySet()) {
        max = Math.max(max, e.getValue().getAsLong());
      }
    } else if (vocab.isJsonArray()) {
      max = vocab.getAsJsonArray().size() - 1L; // Unigram: ids are positions
    }
    if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
      JsonArray added = root.getAsJsonArray("added_tokens");
      for (JsonElement e : added) {
        max = Math.max(max, e.getAsJsonObject().get("id").getAsLong());
      }
    }
    return (int) (max + 1);
  }
}
