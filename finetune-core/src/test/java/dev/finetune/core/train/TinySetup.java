package dev.finetune.core.train;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.data.Tokenizers;
import dev.finetune.core.data.tokens.TagSet;
import dev.finetune.core.data.tokens.TokenDataset;
import dev.finetune.core.data.tokens.TokenExample;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.WordPieceVocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.params.ModelParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny encoder, its tokenizer and a learnable toy task: label 1 iff the text contains "good".
 * Public, and shipped in finetune-core's test jar, so that the callbacks and PEFT tests share it.
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

  /**
   * Two rows of length 6; the second is padded after 4 tokens.
   *
   * @param m the manager that owns the arrays
   * @return {@code [input_ids, attention_mask, token_type_ids]}
   */
  public static NDList batch(NDManager m) {
    long[][] ids = {{2, 5, 7, 9, 3, 0}, {2, 6, 8, 3, 0, 0}};
    long[][] mask = {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 1, 0, 0}};
    long[][] types = new long[2][6];
    return new NDList(m.create(ids), m.create(mask), m.create(types));
  }

  /**
   * Evaluation logits of {@link #batch}.
   *
   * @param model the model
   * @return the logits, flattened
   */
  public static float[] logits(SequenceClassifier model) {
    try (NDManager m = model.manager().newSubManager()) {
      return model.forward(batch(m), false).singletonOrThrow().toFloatArray();
    }
  }

  /**
   * Every parameter's values by name, in model order.
   *
   * @param model the model
   * @return name to values
   */
  public static Map<String, float[]> snapshot(SequenceClassifier model) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (ModelParameter p : model.parameters().all()) {
      out.put(p.hfName(), p.parameter().getArray().toFloatArray());
    }
    return out;
  }

  /**
   * The largest absolute difference between two arrays of equal length.
   *
   * @param a one array
   * @param b the other
   * @return max |a - b|
   */
  public static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
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

  /** The tag set of {@link #tokenTask}: O, B-EVEN, I-EVEN. */
  public static final TagSet EVEN_TAGS = TagSet.ofTypes("EVEN");

  /**
   * A tiny token-classification model (no pooling, classifier per token) with the toy tokenizer.
   *
   * @param dropout hidden and attention dropout
   * @param seed the initialisation seed
   * @return the model; close it
   */
  public static SequenceClassifier tokenModel(float dropout, long seed) {
    return SequenceClassifier.randomInit(config(dropout), EVEN_TAGS.size(), Pooling.NONE, seed,
        Device.cpu(), WordPieceVocabulary.tokenizerJson(WORDS));
  }

  /**
   * Random sentences of 2-8 words where a word is an entity {@code EVEN} (always {@code B-EVEN},
   * so each is its own entity) iff its token id in the toy vocabulary is even.
   *
   * @param name the data set's name
   * @param size sentences
   * @param seed the sampling seed
   * @return the data set
   */
  public static TokenDataset tokenTask(String name, int size, long seed) {
    Random random = new Random(seed);
    int firstWordId = WordPieceVocabulary.SPECIAL_TOKENS.size();
    List<TokenExample> examples = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      int length = 2 + random.nextInt(7);
      List<String> words = new ArrayList<>();
      int[] tags = new int[length];
      for (int w = 0; w < length; w++) {
        int index = random.nextInt(WORDS.size());
        words.add(WORDS.get(index));
        tags[w] = (firstWordId + index) % 2 == 0 ? EVEN_TAGS.id("B-EVEN") : EVEN_TAGS.id("O");
      }
      examples.add(TokenExample.of(words, tags, i));
    }
    return TokenDataset.of(name, examples, EVEN_TAGS);
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
