package dev.finetune.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** The encoder tensors a configuration needs, by Hugging Face name, with their shapes. */
final class ExpectedTensors {

  private ExpectedTensors() {}

  static Map<String, long[]> encoder(EncoderConfig c) {
    Map<String, long[]> m = new LinkedHashMap<>();
    long h = c.hiddenSize();
    long f = c.intermediateSize();
    m.put("embeddings.word_embeddings.weight", new long[] {c.vocabSize(), h});
    m.put("embeddings.position_embeddings.weight", new long[] {c.maxPositionEmbeddings(), h});
    m.put("embeddings.token_type_embeddings.weight", new long[] {c.typeVocabSize(), h});
    m.put("embeddings.LayerNorm.weight", new long[] {h});
    m.put("embeddings.LayerNorm.bias", new long[] {h});
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "encoder.layer." + i + ".";
      linear(m, p + "attention.self.query", h, h);
      linear(m, p + "attention.self.key", h, h);
      linear(m, p + "attention.self.value", h, h);
      linear(m, p + "attention.output.dense", h, h);
      m.put(p + "attention.output.LayerNorm.weight", new long[] {h});
      m.put(p + "attention.output.LayerNorm.bias", new long[] {h});
      linear(m, p + "intermediate.dense", h, f);
      linear(m, p + "output.dense", f, h);
      m.put(p + "output.LayerNorm.weight", new long[] {h});
      m.put(p + "output.LayerNorm.bias", new long[] {h});
    }
    return m;
  }

  private static void linear(Map<String, long[]> m, String name, long in, long out) {
    m.put(name + ".weight", new long[] {out, in});
    m.put(name + ".bias", new long[] {out});
  }
}
