package dev.finetune.core.data;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens Hugging Face {@code tokenizer.json} files the way batching needs them: padding off
 * (batches are padded dynamically by {@link Batches}), truncation at a given maximum length, and
 * special tokens added.
 *
 * <p>A shipped {@code tokenizer.json} may carry its own padding (all-MiniLM-L6-v2 pads every input
 * to 128); {@link #open} switches that off. {@link #padId} reads the pad token id from the same file
 * so that batches pad with the right id.
 *
 * <pre>{@code
 * Path dir = Path.of("models/all-minilm-l6-v2");
 * try (HuggingFaceTokenizer tokenizer = Tokenizers.open(dir, 128)) {
 *   long pad = Tokenizers.padId(dir);
 * }
 * }</pre>
 */
public final class Tokenizers {

  private Tokenizers() {}

  /**
   * Opens a tokenizer with padding off and longest-first truncation at {@code maxLength} tokens
   * (special tokens included).
   *
   * @param tokenizer a {@code tokenizer.json} file, or a directory holding one
   * @param maxLength the maximum number of tokens per example, at least 2
   * @return a new tokenizer; the caller closes it
   * @throws DataException when the file is missing or not a valid tokenizer
   */
  public static HuggingFaceTokenizer open(Path tokenizer, int maxLength) {
    if (maxLength < 2) {
      throw new IllegalArgumentException("maxLength must be >= 2, got " + maxLength);
    }
    Path file = tokenizerJson(tokenizer);
    Map<String, String> options =
        Map.of(
            "padding", "false",
            "truncation", "true",
            "maxLength", Integer.toString(maxLength),
            "modelMaxLength", Integer.toString(maxLength),
            "addSpecialTokens", "true");
    strictJson(file); // the native parser aborts the JVM on some malformed files: refuse them here
    try {
      return HuggingFaceTokenizer.newInstance(file, options);
    } catch (IOException | RuntimeException e) {
      throw new DataException("cannot open the tokenizer: " + e.getMessage(), file, e);
    }
  }

  /**
   * The id of the padding token, read from the file: {@code padding.pad_id} when the file pads,
   * else the id of {@code [PAD]}, {@code <pad>} or {@code <|pad|>} among the added tokens or in the
   * vocabulary, else 0.
   *
   * @param tokenizer a {@code tokenizer.json} file, or a directory holding one
   * @return the pad id
   */
  public static long padId(Path tokenizer) {
    Path file = tokenizerJson(tokenizer);
    JsonObject root = strictJson(file);
    JsonElement padding = root.get("padding");
    if (padding != null && padding.isJsonObject() && padding.getAsJsonObject().has("pad_id")) {
      return id(padding.getAsJsonObject().get("pad_id"), "padding.pad_id", file);
    }
    String[] candidates = {"[PAD]", "<pad>", "<|pad|>"};
    JsonElement added = root.get("added_tokens");
    if (added != null && added.isJsonArray()) {
      for (String candidate : candidates) {
        for (JsonElement token : added.getAsJsonArray()) {
          JsonElement content = token.isJsonObject() ? token.getAsJsonObject().get("content") : null;
          if (content != null && content.isJsonPrimitive()
              && candidate.equals(content.getAsString())) {
            return id(token.getAsJsonObject().get("id"), "added_tokens[].id of " + candidate, file);
          }
        }
      }
    }
    JsonElement model = root.get("model");
    if (model != null && model.isJsonObject()) {
      JsonElement vocab = model.getAsJsonObject().get("vocab");
      if (vocab != null && vocab.isJsonObject()) {
        for (String candidate : candidates) {
          JsonElement id = vocab.getAsJsonObject().get(candidate);
          if (id != null) {
            return id(id, "model.vocab[" + candidate + "]", file);
          }
        }
      }
    }
    return 0;
  }

  /**
   * Reads the file as strict JSON (RFC 8259: no comments, no unquoted names, one value) holding an
   * object, as the tokenizers library's own parser demands; Gson's default lenient reading accepts
   * files that library then fails on, some of them by aborting the process.
   */
  private static JsonObject strictJson(Path file) {
    try (JsonReader reader = new JsonReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
      reader.setStrictness(Strictness.STRICT); // LEGACY_STRICT (setLenient(false)) still accepts "Null"
      JsonElement root = new Gson().getAdapter(JsonElement.class).read(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new DataException("cannot read the tokenizer JSON: more than one JSON value", file,
            null);
      }
      if (root == null || !root.isJsonObject()) {
        throw new DataException("cannot read the tokenizer JSON: expected an object, got " + root,
            file, null);
      }
      return root.getAsJsonObject();
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new DataException("cannot read the tokenizer JSON: " + e.getMessage(), file, e);
    }
  }

  /** A token id: a whole number >= 0, else a DataException naming the key. */
  private static long id(JsonElement value, String key, Path file) {
    if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
      double d = value.getAsDouble();
      if (d >= 0 && d <= Integer.MAX_VALUE && d == Math.rint(d)) {
        return (long) d;
      }
    }
    throw new DataException("cannot read the tokenizer JSON: " + key
        + " must be a token id (a whole number >= 0), got " + value, file, null);
  }

  private static Path tokenizerJson(Path tokenizer) {
    Path file = Files.isDirectory(tokenizer) ? tokenizer.resolve("tokenizer.json") : tokenizer;
    if (!Files.isRegularFile(file)) {
      throw new DataException(
          "tokenizer not found: expected a tokenizer.json file (or a directory holding one)",
          file,
          null);
    }
    return file;
  }
}
