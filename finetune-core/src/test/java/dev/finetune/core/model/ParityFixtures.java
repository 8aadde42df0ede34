package dev.finetune.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The tiny parity checkpoints of {@code src/test/resources/parity} (made by
 * {@code make_parity.py}: plain-PyTorch forwards written from transformers' modeling code), copied
 * to a folder so tests load them as a Hub download would be loaded. ELECTRA and ALBERT have
 * {@code embedding_size} 16, so their projection to the hidden size is exercised. Besides {@link #FAMILIES},
 * {@code deberta-v2-absolute} holds DeBERTa's v2-style options (absolute positions, token types in
 * {@code expected.json}'s {@code token_type_ids}), checked by {@code DebertaV2FamilyTest}. CamemBERT reuses the
 * XLM-RoBERTa weights and references under its own {@code model_type}: the two are the same
 * network.
 */
public final class ParityFixtures {

  /**
   * The families with a fixture; each is a hidden-32 task checkpoint with 3 labels (2 layers;
   * ModernBERT 3, so that local and global attention both appear).
   */
  public static final List<String> FAMILIES = List.of("roberta", "xlm-roberta", "camembert",
      "distilbert", "electra", "albert", "deberta-v2", "modernbert");

  private static final List<String> FILES = List.of("config.json", "model.safetensors", "expected.json");

  private ParityFixtures() {}

  /**
   * Copies one family's fixture into {@code dir/<family>}.
   *
   * @param family one of {@link #FAMILIES}
   * @param dir a temporary folder
   * @return the model folder
   */
  public static Path copy(String family, Path dir) {
    String source = family.equals("camembert") ? "xlm-roberta" : family;
    Path out = dir.resolve(family);
    try {
      Files.createDirectories(out);
      for (String file : FILES) {
        try (InputStream in =
            ParityFixtures.class.getResourceAsStream("/parity/" + source + "/" + file)) {
          if (in == null) {
            throw new IllegalStateException("test resource parity/" + source + "/" + file + " missing");
          }
          Files.copy(in, out.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      if (family.equals("camembert")) {
        JsonObject config = JsonParser.parseString(Files.readString(out.resolve("config.json")))
            .getAsJsonObject();
        config.addProperty("model_type", "camembert");
        JsonArray architectures = new JsonArray();
        architectures.add("CamembertForSequenceClassification");
        config.add("architectures", architectures);
        Files.writeString(out.resolve("config.json"), config.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The reference outputs of a fixture.
   *
   * @param source which implementation made them
   * @param ids input ids (B, T)
   * @param mask attention mask (B, T)
   * @param hidden the last hidden state, flattened
   * @param logits the logits, flattened
   * @param comparePadding whether the hidden states of padded positions are compared too (not for
   *     DeBERTa, whose padded rows differ between transformers versions and are read by no head)
   */
  public record Expected(String source, long[][] ids, long[][] mask, float[] hidden, float[] logits,
      boolean comparePadding) {

    /**
     * The rows of a flattened (B, T, H) hidden state that {@link #comparePadding()} compares:
     * all of them, or those of real tokens (mask 1) only.
     *
     * @param hidden a flattened last hidden state of this batch
     * @return the values compared
     */
    public float[] compared(float[] hidden) {
      if (comparePadding) {
        return hidden;
      }
      int t = mask[0].length;
      int h = hidden.length / (mask.length * t);
      java.util.stream.IntStream.Builder kept = java.util.stream.IntStream.builder();
      for (int b = 0; b < mask.length; b++) {
        for (int i = 0; i < t; i++) {
          if (mask[b][i] != 0) {
            for (int j = 0; j < h; j++) {
              kept.add((b * t + i) * h + j);
            }
          }
        }
      }
      int[] index = kept.build().toArray();
      float[] out = new float[index.length];
      for (int k = 0; k < index.length; k++) {
        out[k] = hidden[index[k]];
      }
      return out;
    }

    /**
     * The inputs as a batch.
     *
     * @param m the owner
     * @return input ids and attention mask
     */
    public NDList batch(NDManager m) {
      return new NDList(m.create(ids), m.create(mask));
    }
  }

  /**
   * Reads {@code expected.json} of a copied fixture.
   *
   * @param folder the folder {@link #copy} returned
   * @return the references
   */
  public static Expected expected(Path folder) {
    try {
      JsonObject o = JsonParser.parseString(Files.readString(folder.resolve("expected.json")))
          .getAsJsonObject();
      return new Expected(o.get("source").getAsString(), matrix(o.getAsJsonArray("input_ids")),
          matrix(o.getAsJsonArray("attention_mask")), floats(o.getAsJsonArray("last_hidden_state")),
          floats(o.getAsJsonArray("logits")),
          !o.has("compare_padding") || o.get("compare_padding").getAsBoolean());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long[][] matrix(JsonArray rows) {
    long[][] out = new long[rows.size()][];
    for (int r = 0; r < out.length; r++) {
      JsonArray row = rows.get(r).getAsJsonArray();
      out[r] = new long[row.size()];
      for (int c = 0; c < out[r].length; c++) {
        out[r][c] = row.get(c).getAsLong();
      }
    }
    return out;
  }

  private static float[] floats(JsonArray values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).getAsFloat();
    }
    return out;
  }
}
