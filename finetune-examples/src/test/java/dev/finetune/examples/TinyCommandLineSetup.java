package dev.finetune.examples;

import ai.djl.Device;
import dev.finetune.core.data.tokens.Conll2003;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.WordPieceVocabulary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A tiny random model folder and tiny SST-2, CoLA and CoNLL-2003 folders for command-line runs in
 * tests.
 */
final class TinyCommandLineSetup {

  private static final List<String> WORDS = List.of("good", "bad", "film", "plot", "great",
      "dull", "the", "a", "was", "very");

  private TinyCommandLineSetup() {}

  /** Writes a random 2-layer, hidden-32 BERT with a word-level tokenizer into {@code dir}. */
  static Path model(Path dir) {
    try (SequenceClassifier tiny = SequenceClassifier.randomInit(EncoderConfig.tiny(), 2,
        Pooling.MEAN, 7, Device.cpu(), WordPieceVocabulary.tokenizerJson(WORDS))) {
      tiny.save(dir);
    }
    return dir;
  }

  /**
   * Writes a random 2-layer, hidden-32 BERT with a token head of CoNLL-2003's size (9 tags) and
   * the same word-level tokenizer into {@code dir}.
   */
  static Path tokenModel(Path dir) {
    try (SequenceClassifier tiny = SequenceClassifier.randomInit(EncoderConfig.tiny(),
        Conll2003.TAGS.size(), Pooling.NONE, 7, Device.cpu(), WordPieceVocabulary.tokenizerJson(WORDS))) {
      tiny.save(dir);
    }
    return dir;
  }

  /**
   * Writes a CoNLL-2003 folder (train.txt with {@code sentences} sentences, dev.txt and test.txt
   * with 12; four columns, IOB1) where {@code film} and {@code plot} are MISC entities and
   * {@code great} an ORG.
   */
  static Path conll(Path dir, int sentences) throws IOException {
    Files.createDirectories(dir);
    String[] files = {"train.txt", "dev.txt", "test.txt"};
    for (int f = 0; f < files.length; f++) {
      Random random = new Random(f + 11);
      StringBuilder out = new StringBuilder("-DOCSTART- -X- O O\n\n");
      for (int s = f == 0 ? sentences : 12; s > 0; s--) {
        for (int w = 2 + random.nextInt(5); w > 0; w--) {
          String word = WORDS.get(random.nextInt(WORDS.size()));
          String tag = word.equals("film") || word.equals("plot") ? "I-MISC"
              : word.equals("great") ? "I-ORG" : "O";
          out.append(word).append(" NN I-NP ").append(tag).append('\n');
        }
        out.append('\n');
      }
      Files.writeString(dir.resolve(files[f]), out, StandardCharsets.UTF_8);
    }
    return dir;
  }

  /** Writes an SST-2 folder (train.tsv with {@code rows} rows, dev.tsv with 16) into {@code dir}. */
  static Path sst2(Path dir, int rows) throws IOException {
    Files.createDirectories(dir);
    write(dir.resolve("train.tsv"), rows, 1, false);
    write(dir.resolve("dev.tsv"), 16, 2, false);
    return dir;
  }

  /** Writes a CoLA folder (no header; source, label, star, sentence) into {@code dir}. */
  static Path cola(Path dir, int rows) throws IOException {
    Files.createDirectories(dir);
    write(dir.resolve("train.tsv"), rows, 3, true);
    write(dir.resolve("dev.tsv"), 16, 4, true);
    return dir;
  }

  private static void write(Path file, int rows, long seed, boolean cola) throws IOException {
    Random random = new Random(seed);
    StringBuilder out = new StringBuilder(cola ? "" : "sentence\tlabel\n");
    for (int i = 0; i < rows; i++) {
      int label = i % 2;
      StringBuilder sentence = new StringBuilder("the film was ").append(label == 1 ? "good" : "bad");
      for (int w = random.nextInt(6); w > 0; w--) {
        sentence.append(' ').append(WORDS.get(random.nextInt(WORDS.size())));
      }
      out.append(cola ? "src\t" + label + "\t\t" + sentence : sentence + "\t" + label).append('\n');
    }
    Files.writeString(file, out, StandardCharsets.UTF_8);
  }
}
