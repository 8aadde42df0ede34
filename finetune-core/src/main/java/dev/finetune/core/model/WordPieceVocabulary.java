package dev.finetune.core.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a BERT-style (uncased WordPiece) {@code tokenizer.json} for a vocabulary list, so tiny
 * random models in tests and experiments can tokenize text. The first five entries are the
 * special tokens {@code [PAD] [UNK] [CLS] [SEP] [MASK]} (ids 0-4), then the given words.
 *
 * <pre>{@code
 * byte[] json = WordPieceVocabulary.tokenizerJson(List.of("good", "bad", "movie", "##s"));
 * SequenceClassifier m = SequenceClassifier.randomInit(
 *     EncoderConfig.tiny(), 2, Pooling.CLS_POOLER, 42, Device.cpu(), json);
 * }</pre>
 */
public final class WordPieceVocabulary {

  /** The special tokens, ids 0 to 4. */
  public static final List<String> SPECIAL_TOKENS =
      List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

  private WordPieceVocabulary() {}

  /**
   * Builds the tokenizer JSON.
   *
   * @param words lower-case words and {@code ##}-continuations, without special tokens
   * @return the bytes of a {@code tokenizer.json} (no padding, no truncation configured)
   */
  public static byte[] tokenizerJson(List<String> words) {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(SPECIAL_TOKENS);
    all.addAll(words);
    for (String w : all) {
      vocab.putIfAbsent(w, vocab.size());
    }
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    root.add("truncation", null);
    root.add("padding", null);
    JsonArray added = new JsonArray();
    for (String special : SPECIAL_TOKENS) {
      JsonObject t = new JsonObject();
      t.addProperty("id", vocab.get(special));
      t.addProperty("content", special);
      t.addProperty("single_word", false);
      t.addProperty("lstrip", false);
      t.addProperty("rstrip", false);
      t.addProperty("normalized", false);
      t.addProperty("special", true);
      added.add(t);
    }
    root.add("added_tokens", added);
    JsonObject normalizer = new JsonObject();
    normalizer.addProperty("type", "BertNormalizer");
    normalizer.addProperty("clean_text", true);
    normalizer.addProperty("handle_chinese_chars", true);
    normalizer.add("strip_accents", null);
    normalizer.addProperty("lowercase", true);
    root.add("normalizer", normalizer);
    JsonObject pre = new JsonObject();
    pre.addProperty("type", "BertPreTokenizer");
    root.add("pre_tokenizer", pre);
    root.add("post_processor", postProcessor(vocab));
    JsonObject decoder = new JsonObject();
    decoder.addProperty("type", "WordPiece");
    decoder.addProperty("prefix", "##");
    decoder.addProperty("cleanup", true);
    root.add("decoder", decoder);
    JsonObject model = new JsonObject();
    model.addProperty("type", "WordPiece");
    model.addProperty("unk_token", "[UNK]");
    model.addProperty("continuing_subword_prefix", "##");
    model.addProperty("max_input_chars_per_word", 100);
    JsonObject v = new JsonObject();
    vocab.forEach(v::addProperty);
    model.add("vocab", v);
    root.add("model", model);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonObject postProcessor(Map<String, Integer> vocab) {
    JsonObject p = new JsonObject();
    p.addProperty("type", "TemplateProcessing");
    JsonArray single = new JsonArray();
    single.add(special("[CLS]", 0));
    single.add(sequence("A", 0));
    single.add(special("[SEP]", 0));
    p.add("single", single);
    JsonArray pair = new JsonArray();
    pair.add(special("[CLS]", 0));
    pair.add(sequence("A", 0));
    pair.add(special("[SEP]", 0));
    pair.add(sequence("B", 1));
    pair.add(special("[SEP]", 1));
    p.add("pair", pair);
    JsonObject specials = new JsonObject();
    for (String s : List.of("[CLS]", "[SEP]")) {
      JsonObject entry = new JsonObject();
      entry.addProperty("id", s);
      JsonArray ids = new JsonArray();
      ids.add(vocab.get(s));
      entry.add("ids", ids);
      JsonArray tokens = new JsonArray();
      tokens.add(s);
      entry.add("tokens", tokens);
      specials.add(s, entry);
    }
    p.add("special_tokens", specials);
    return p;
  }

  private static JsonObject special(String id, int type) {
    JsonObject inner = new JsonObject();
    inner.addProperty("id", id);
    inner.addProperty("type_id", type);
    JsonObject o = new JsonObject();
    o.add("SpecialToken", inner);
    return o;
  }

  private static JsonObject sequence(String id, int type) {
    JsonObject inner = new JsonObject();
    inner.addProperty("id", id);
    inner.addProperty("type_id", type);
    JsonObject o = new JsonObject();
    o.add("Sequence", inner);
    return o;
  }
}
