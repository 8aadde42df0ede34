package dev.finetune.peft;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.data.Tokenizers;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.testing.TinyTokenizerJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A tiny encoder, its tokenizer and a learnable toy task: label 1 iff the text contains "good". */
final class TinySetup {

  static final List<String> WORDS =
      List.of("good", "bad", "movie", "film", "plot", "actor", "the", "a", "was", "very", "not",
          "scene", "music", "story", "long", "short");

  private TinySetup() {}

  static EncoderConfig config(float dropout) {
    return EncoderConfig.builder()
        .vocabSize(TinyTokenizerJson.vocabSize(WORDS))
        .hiddenSize(32)
        .numLayers(2)
        .numHeads(4)
        .intermediateSize(64)
        .maxPositionEmbeddings(64)
        .hiddenDropout(dropout)
        .attentionDropout(dropout)
        .build();
  }

  static SequenceClassifier model(float dropout, long seed) {
    return SequenceClassifier.randomInit(config(dropout), 2, seed, Device.cpu());
  }

  /** Two rows of length 6; the second is padded after 4 tokens. */
  static ai.djl.ndarray.NDList batch(ai.djl.ndarray.NDManager m) {
    long[][] ids = {{2, 5, 7, 9, 3, 0}, {2, 6, 8, 3, 0, 0}};
    long[][] mask = {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 1, 0, 0}};
    long[][] types = new long[2][6];
    return new ai.djl.ndarray.NDList(m.create(ids), m.create(mask), m.create(types));
  }

  /** Evaluation logits of the fixed batch. */
  static float[] logits(SequenceClassifier model) {
    try (ai.djl.ndarray.NDManager m = model.manager().newSubManager()) {
      return model.forward(batch(m), false).singletonOrThrow().toFloatArray();
    }
  }

  /** Every parameter's values by name. */
  static java.util.Map<String, float[]> snapshot(SequenceClassifier model) {
    java.util.Map<String, float[]> out = new java.util.LinkedHashMap<>();
    for (dev.finetune.core.params.ModelParameter p : model.parameters().all()) {
      out.put(p.hfName(), p.parameter().getArray().toFloatArray());
    }
    return out;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  static HuggingFaceTokenizer tokenizer(Path dir) {
    return Tokenizers.open(TinyTokenizerJson.write(dir, WORDS), 32);
  }

  /** Random sentences of 3-8 filler words; half get "good" somewhere, the others "bad". */
  static TextDataset toyTask(String name, int size, long seed) {
    Random random = new Random(seed);
    List<String> fillers = WORDS.subList(2, WORDS.size());
    List<TextExample> examples = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int label = random.nextInt(2);
      List<String> words = new ArrayList<>();
      int length = 3 + random.nextInt(6);
      for (int w = 0; w < length; w++) {
        words.add(fillers.get(random.nextInt(fillers.size())));
      }
      words.add(random.nextInt(words.size() + 1), label == 1 ? "good" : "bad");
      examples.add(TextExample.of(String.join(" ", words), label));
    }
    return TextDataset.of(name, examples, List.of("negative", "positive"));
  }
}
