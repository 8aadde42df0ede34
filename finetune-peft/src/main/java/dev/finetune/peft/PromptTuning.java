package dev.finetune.peft;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.nn.Parameter;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.method.AdapterConfig;
import dev.finetune.core.method.AdapterState;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.MethodSpec;
import dev.finetune.core.method.MethodType;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.SequenceClassifier;
import java.util.Map;
import java.util.Optional;
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
public final class PromptTuning implements FineTuningMethod {

  /** The parameter name. */
  public static final String NAME = "embeddings.prompt_embeddings.weight";
  /** PEFT's key for prompt and prefix tuning tables in {@code adapter_model.safetensors}. */
  public static final String SAVED_NAME = "prompt_embeddings";

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

  /** PEFT's {@code prompt_tuning_init}: RANDOM, SAMPLE_VOCAB or TEXT. */
  String peftInit() {
    return switch (init) {
      case RANDOM -> "RANDOM";
      case VOCAB -> "SAMPLE_VOCAB";
      case TEXT -> "TEXT";
    };
  }

  @Override
  public String kind() {
    return "prompt";
  }

  @Override
  public void install(SequenceClassifier model) {
    if (model.encoder().softTokens().isPresent()) {
      throw new IllegalStateException("the model already has soft tokens; apply prompt tuning once");
    }
    int h = model.config().embeddingSize(); // prepended to the word embeddings
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
    int h = model.config().embeddingSize(); // prepended to the word embeddings
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

  @Override
  public boolean owns(String hfName) {
    return NAME.equals(hfName);
  }

  /** PEFT's prompt-learning fields shared by prompt and prefix tuning. */
  static JsonObject promptLearning(EncoderConfig c, int n) {
    JsonObject o = new JsonObject();
    o.addProperty("num_virtual_tokens", n);
    o.addProperty("token_dim", c.hiddenSize());
    o.addProperty("num_transformer_submodules", 1);
    o.addProperty("num_attention_heads", c.numHeads());
    o.addProperty("num_layers", c.numLayers());
    return o;
  }

  /** The table as PEFT's {@code prompt_embeddings} and its PromptTuningConfig fields. */
  @Override
  public AdapterState adapterState(SequenceClassifier model) {
    HostTensor table = HostTensor.of(PeftParameters.required(model, NAME, "prompt tuning")
        .parameter().getArray());
    JsonObject o = promptLearning(model.config(), (int) table.shape()[0]);
    o.addProperty("token_dim", model.config().embeddingSize()); // the word embeddings' width
    // PEFT refuses TEXT without a tokenizer path, which we do not know; the init does not matter
    // once the trained prompt is loaded, so TEXT is written as RANDOM with the text kept beside it.
    String peft = peftInit();
    o.addProperty("prompt_tuning_init", "TEXT".equals(peft) ? "RANDOM" : peft);
    o.addProperty("prompt_tuning_init_text", text);
    o.add("tokenizer_name_or_path", JsonNull.INSTANCE);
    return new AdapterState(o, Map.of(SAVED_NAME, table), AdapterState.Layout.PROMPT_LEARNING);
  }

  @Override
  public Map<String, long[]> expectedTensors(SequenceClassifier model) {
    return Map.of(NAME, new long[] {tokens, model.config().embeddingSize()});
  }

  @Override
  public String parameterName(String savedName) {
    return SAVED_NAME.equals(savedName) ? NAME : savedName;
  }

  /**
   * The registry entry {@code prompt}: {@code prompt(20)}; {@code peft_type} PROMPT_TUNING.
   *
   * <pre>{@code
   * FineTuningMethods.parse("prompt(tokens=10)");   // Peft.promptTuning(10)
   * }</pre>
   */
  public static final class Type implements MethodType {

    /** Creates the entry (for ServiceLoader). */
    public Type() {}

    @Override
    public String name() {
      return "prompt";
    }

    @Override
    public String usage() {
      return "prompt(20)";
    }

    @Override
    public String help() {
      return "prompt tuning: n trainable virtual tokens before the input, prompt(tokens=20)";
    }

    @Override
    public FineTuningMethod parse(MethodSpec spec) {
      spec.accept("tokens");
      return of(spec.intArg(0, "tokens", 20));
    }

    @Override
    public Optional<String> adapterType() {
      return Optional.of("PROMPT_TUNING");
    }

    @Override
    public FineTuningMethod fromAdapterConfig(AdapterConfig config) {
      return of(config.required("num_virtual_tokens").getAsInt());
    }
  }
}
