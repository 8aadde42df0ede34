package dev.finetune.experiments.grid;

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
 * A tiny random model folder and a tiny CoNLL-2003 folder (train.txt, dev.txt, test.txt in the
 * original four-column IOB1 format) whose entities are fixed words: {@code john}, {@code mary}
 * PER, {@code paris}, {@code london} LOC, {@code acme} ORG; for grid and search files with
 * {@code "task": "conll2003"}.
 *
 * <pre>{@code
 * Path model = TinyConll.model(dir.resolve("model"));
 * Path data = TinyConll.data(dir.resolve("conll"), 48);
 * }</pre>
 */
public final class TinyConll {

  private static final List<String> WORDS = List.of("john", "mary", "paris", "london", "acme",
      "went", "to", "the", "met", "in", "saw", "and");

  private TinyConll() {}

  /**
   * Writes a random 2-layer, hidden-32 BERT with a token head of CoNLL-2003's size and a
   * word-level tokenizer over the data's words.
   *
   * @param dir the folder
   * @return the folder
   */
  public static Path model(Path dir) {
    try (SequenceClassifier tiny = SequenceClassifier.randomInit(EncoderConfig.tiny(),
        Conll2003.TAGS.size(), Pooling.NONE, 7, Device.cpu(), WordPieceVocabulary.tokenizerJson(WORDS))) {
      tiny.save(dir);
    }
    return dir;
  }

  /**
   * Writes train.txt ({@code sentences} sentences), dev.txt (16) and test.txt (16).
   *
   * @param dir the folder
   * @param sentences training sentences
   * @return the folder
   * @throws IOException when a file cannot be written
   */
  public static Path data(Path dir, int sentences) throws IOException {
    Files.createDirectories(dir);
    write(dir.resolve("train.txt"), sentences, 1);
    write(dir.resolve("dev.txt"), 16, 2);
    write(dir.resolve("test.txt"), 16, 3);
    return dir;
  }

  private static void write(Path file, int sentences, long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder out = new StringBuilder("-DOCSTART- -X- O O\n\n");
    for (int s = 0; s < sentences; s++) {
      for (int w = 2 + random.nextInt(5); w > 0; w--) {
        String word = WORDS.get(random.nextInt(WORDS.size()));
        out.append(word).append(" NN I-NP ").append(tag(word)).append('\n');
      }
      out.append('\n');
    }
    Files.writeString(file, out, StandardCharsets.UTF_8);
  }

  private static String tag(String word) {
    return switch (word) {
      case "john", "mary" -> "I-PER";
      case "paris", "london" -> "I-LOC";
      case "acme" -> "I-ORG";
      default -> "O";
    };
  }
}
