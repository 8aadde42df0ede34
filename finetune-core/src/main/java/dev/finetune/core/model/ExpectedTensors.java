package dev.finetune.core.model;

import java.util.LinkedHashMap;
import java.util.Map;

/** The encoder tensors a configuration needs, by Hugging Face name, with their shapes. */
final class ExpectedTensors {

  private ExpectedTensors() {}

  static Map<String, long[]> encoder(EncoderConfig c) {
    if (c.modelType() instanceof EncoderParts parts) {
      return parts.tensors(c);
    }
    Map<String, long[]> m = new LinkedHashMap<>();
    long h = c.hiddenSize();
    long e = c.embeddingSize();
    long f = c.intermediateSize();
    m.put("embeddings.word_embeddings.weight", new long[] {c.vocabSize(), e});
    if (c.modelType().absolutePositions(c)) {
      m.put("embeddings.position_embeddings.weight", new long[] {c.maxPositionEmbeddings(), e});
    }
    EncoderLayout names = c.modelType().encoderLayout();
    if (names.tokenTypes() && c.typeVocabSize() > 0) {
      m.put("embeddings.token_type_embeddings.weight", new long[] {c.typeVocabSize(), e});
    }
    m.put("embeddings.LayerNorm.weight", new long[] {e});
    m.put("embeddings.LayerNorm.bias", new long[] {e});
    if (c.modelType().hasEmbeddingProjection(c)) {
      linear(m, c.modelType().embeddingProjection().orElseThrow(), e, h);
    }
    for (int i = 0; i < c.distinctLayers(); i++) {
      String p = names.layer(i);
      linear(m, p + names.query(), h, h);
      linear(m, p + names.key(), h, h);
      linear(m, p + names.value(), h, h);
      linear(m, p + names.attentionOutput(), h, h);
      norm(m, p + names.attentionNorm(), h);
      linear(m, p + names.intermediate(), h, f);
      linear(m, p + names.output(), f, h);
      norm(m, p + names.outputNorm(), h);
    }
    c.modelType().disentangledAttention(c).ifPresent(s -> m.putAll(s.tensors(h)));
    return m;
  }

  private static void norm(Map<String, long[]> m, String name, long h) {
    m.put(name + ".weight", new long[] {h});
    m.put(name + ".bias", new long[] {h});
  }

  private static void linear(Map<String, long[]> m, String name, long in, long out) {
    m.put(name + ".weight", new long[] {out, in});
    m.put(name + ".bias", new long[] {out});
  }
}
