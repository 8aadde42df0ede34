package dev.finetune.core.train;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.data.Tokenizers;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.WordPieceVocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny encoder, its tokenizer and a learnable toy task: label 1 iff the text contains "good".
 * Public so that the callbacks tests can share it.
 */
public final class TinySetup {

  public static final List<String> WORDS =
      List.of("good", "bad", "movie", "film", "plot", "actor", "the", "a", "was", "very", "not",
          "scene", "music", "story", "long", "short");

  private TinySetup() {}

  public static EncoderConfig config(float dropout) {
    return EncoderConfig.builder()
        .vocabSize(WORDS.size() + WordPieceVocabulary.SPECIAL_TOKENS.size())
        .hiddenSize(32)
        .numLayers(2)
        .numHeads(4)
        .intermediateSize(64)
        .maxPositionEmbeddings(64)
        .hiddenDropout(dropout)
        .attentionDropout(dropout)
        .build();
  }

  public static SequenceClassifier model(float dropout, long seed) {
    return SequenceClassifier.randomInit(config(dropout), 2, seed, Device.cpu());
  }

  public static HuggingFaceTokenizer tokenizer(Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = Files.write(dir.resolve("tokenizer.json"), WordPieceVocabulary.tokenizerJson(WORDS));
      return Tokenizers.open(file, 32);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Random sentences of 3-8 filler words; half get "good" somewhere, the others "bad". */
  public static TextDataset toyTask(String name, int size, long seed) {
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
