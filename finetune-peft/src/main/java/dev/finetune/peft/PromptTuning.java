package dev.finetune.peft;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.nn.Parameter;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.ModelTransform;
import java.util.SplittableRandom;

/**
 * Prompt tuning (Lester et al. 2021): n trainable virtual-token embeddings prepended to the word
 * embeddings; they get positions 0..n-1, token type 0 and the embedding LayerNorm, and are always
 * attended to. Initialised randomly N(0, initializer_range²), from sampled vocabulary rows, or
 * from the embeddings of a text's tokens (repeated or cut to n). The parameter is
 * {@code embeddings.prompt_embeddings.weight} (n, H). The base is frozen, the head trains.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.promptTuning(20).fromText("Classify the sentiment:")).fit(train, dev);
 * }</pre>
 */
public final class PromptTuning implements ModelTransform {

  /** The parameter name. */
  public static final String NAME = "embeddings.prompt_embeddings.weight";

  private enum Init { RANDOM, VOCAB, TEXT }

  private final int tokens;
  private final Init init;
  private final String text;
  private final long seed;
  private final boolean trainHead;

  private PromptTuning(int tokens, Init init, String text, long seed, boolean trainHead) {
    if (tokens < 1) {
      throw new IllegalArgumentException("prompt tuning needs at least 1 virtual token, got " + tokens);
    }
    this.tokens = tokens;
    this.init = init;
    this.text = text;
    this.seed = seed;
    this.trainHead = trainHead;
  }

  /**
   * n random virtual tokens.
   *
   * @param n virtual tokens
   * @return the configuration
   */
  public static PromptTuning of(int n) {
    return new PromptTuning(n, Init.RANDOM, null, 42, true);
  }

  /**
   * Initialises from rows of the word embeddings sampled uniformly (seeded).
   *
   * @return a copy
   */
  public PromptTuning fromVocabulary() {
    return new PromptTuning(tokens, Init.VOCAB, null, seed, trainHead);
  }

  /**
   * Initialises from the embeddings of a text's tokens (the model's tokenizer, special tokens
   * left out), repeated or cut to n.
   *
   * @param value the text
   * @return a copy
   */
  public PromptTuning fromText(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("prompt init text must not be blank");
    }
    return new PromptTuning(tokens, Init.TEXT, value, seed, trainHead);
  }

  /**
   * The seed for random and vocabulary initialisation.
   *
   * @param value the seed
   * @return a copy
   */
  public PromptTuning seed(long value) {
    return new PromptTuning(tokens, init, text, value, trainHead);
  }

  /**
   * Chooses whether the head trains.
   *
   * @param value false to freeze the head
   * @return a copy
   */
  public PromptTuning trainHead(boolean value) {
    return new PromptTuning(tokens, init, text, seed, value);
  }

  int tokens() {
    return tokens;
  }

  /** PEFT's {@code prompt_tuning_init}: RANDOM, SAMPLE_VOCAB or TEXT. */
  String peftInit() {
    return switch (init) {
      case RANDOM -> "RANDOM";
      case VOCAB -> "SAMPLE_VOCAB";
      case TEXT -> "TEXT";
    };
  }

  String initText() {
    return text;
  }

  @Override
  public void apply(SequenceClassifier model) {
    if (model.encoder().softTokens().isPresent()) {
      throw new IllegalStateException("the model already has soft tokens; apply prompt tuning once");
    }
    int h = model.config().hiddenSize();
    int max = model.config().maxPositionEmbeddings();
    if (tokens + 2 > max) {
      throw new IllegalArgumentException(tokens + " virtual tokens leave no room in "
          + max + " positions (max_position_embeddings)");
    }
    float[] values = switch (init) {
      case RANDOM -> PeftParameters.normal(seed, NAME, tokens * h, model.config().initializerRange());
      case VOCAB -> rows(model, sampledIds(model.config().vocabSize()));
      case TEXT -> rows(model, textIds(model));
    };
    Parameter prompt = PeftParameters.add(model, NAME, values, tokens, h);
    model.encoder().setSoftTokens((ctx, batch) -> ctx.value(prompt));
    PeftParameters.freezeBaseOnce(model);
    PeftParameters.head(model, trainHead);
  }

  private long[] sampledIds(int vocab) {
    SplittableRandom r = PeftParameters.random(seed, NAME);
    long[] ids = new long[tokens];
    for (int i = 0; i < tokens; i++) {
      ids[i] = r.nextInt(vocab);
    }
    return ids;
  }

  private long[] textIds(SequenceClassifier model) {
    HuggingFaceTokenizer tokenizer = model.tokenizer();
    long[] all = tokenizer.encode(text, false, false).getIds();
    if (all.length == 0) {
      throw new IllegalArgumentException("prompt init text '" + text + "' produced no tokens");
    }
    long[] ids = new long[tokens];
    for (int i = 0; i < tokens; i++) {
      ids[i] = all[i % all.length];
    }
    return ids;
  }

  private float[] rows(SequenceClassifier model, long[] ids) {
    int h = model.config().hiddenSize();
    float[] table = model.encoder().embeddings().wordEmbeddings().getArray().toFloatArray();
    float[] out = new float[tokens * h];
    for (int i = 0; i < tokens; i++) {
      System.arraycopy(table, (int) ids[i] * h, out, i * h, h);
    }
    return out;
  }

  @Override
  public String describe() {
    return "prompt-tuning(" + tokens + ", " + init.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
