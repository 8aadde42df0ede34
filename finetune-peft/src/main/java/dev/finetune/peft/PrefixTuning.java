package dev.finetune.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.method.AdapterConfig;
import dev.finetune.core.method.AdapterState;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.MethodSpec;
import dev.finetune.core.method.MethodType;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.EncoderBlock;
import dev.finetune.core.model.ForwardContext;
import dev.finetune.core.model.KeyValuePrefix;
import dev.finetune.core.model.SequenceClassifier;
import java.util.Map;
import java.util.Optional;

/**
 * Prefix tuning (Li and Liang 2021), as Hugging Face PEFT's {@code PREFIX_TUNING}: every attention
 * layer gets n trainable key and value vectors prepended to its keys and values, and every query
 * attends to them (they are never masked, and take no position). The prefix of all layers is one
 * (n, L·2·H) table whose columns are, per layer l, the keys at {@code [2l·H, (2l+1)·H)} and the
 * values at {@code [(2l+1)·H, (2l+2)·H)}, each in head-major hidden layout, as PEFT reshapes it to
 * {@code (n, L·2, heads, head_dim)}.
 *
 * <p>Without projection the table is the parameter {@code prompt_encoder.embedding.weight}
 * (n, L·2·H), initialised N(0, 1) like PEFT's {@code nn.Embedding}. With {@link #projection(int)}
 * it is computed, as PEFT's {@code prefix_projection=True}, from an (n, H) embedding by an MLP:
 * {@code Linear(H, m) → tanh → Linear(m, L·2·H)} ({@code prompt_encoder.transform.0/2.*},
 * initialised like {@code torch.nn.Linear}). The base is frozen; the head trains unless told
 * otherwise. As Hugging Face BERT and RoBERTa do after {@code past_key_values}, the real tokens
 * take positions n..n+T-1 ({@link dev.finetune.core.model.Encoder#setPositionShift}), so inputs
 * are limited to max_position_embeddings - n tokens. Immutable: every setter returns a copy.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.prefixTuning(20)).fit(train, dev);                  // direct prefix
 * FineTune.of(model).peft(Peft.prefixTuning(20).projection(512)).fit(train, dev);   // MLP reparameterised
 * }</pre>
 */
public final class PrefixTuning implements FineTuningMethod {

  /** The (n, H) or (n, L·2·H) embedding's name. */
  public static final String EMBEDDING = "prompt_encoder.embedding.weight";
  /** The name prefix of the projection MLP: {@code transform.0} (H to m), {@code transform.2}. */
  public static final String TRANSFORM = "prompt_encoder.transform.";

  private final int tokens;
  private final int projection;
  private final double initStd;
  private final long seed;
  private final boolean trainHead;

  private PrefixTuning(int tokens, int projection, double initStd, long seed, boolean trainHead) {
    if (tokens < 1) {
      throw new IllegalArgumentException(
          "prefix tuning needs at least 1 virtual token, got " + tokens);
    }
    if (!(initStd > 0)) {
      throw new IllegalArgumentException("prefix init std must be > 0, got " + initStd);
    }
    this.tokens = tokens;
    this.projection = projection;
    this.initStd = initStd;
    this.seed = seed;
    this.trainHead = trainHead;
  }

  /**
   * n virtual tokens per layer, no projection, head trainable.
   *
   * @param n virtual tokens
   * @return the configuration
   */
  public static PrefixTuning of(int n) {
    return new PrefixTuning(n, 0, 1.0, 42, true);
  }

  /**
   * Reparameterises the prefix through an MLP with a hidden width m (PEFT's
   * {@code prefix_projection=True, encoder_hidden_size=m}).
   *
   * @param hidden m, e.g. the model's hidden size
   * @return a copy
   */
  public PrefixTuning projection(int hidden) {
    if (hidden < 1) {
      throw new IllegalArgumentException(
          "prefix projection width must be >= 1, got " + hidden + "; use noProjection() for none");
    }
    return new PrefixTuning(tokens, hidden, initStd, seed, trainHead);
  }

  /**
   * Trains the prefix directly (the default).
   *
   * @return a copy
   */
  public PrefixTuning noProjection() {
    return new PrefixTuning(tokens, 0, initStd, seed, trainHead);
  }

  /**
   * The standard deviation of the embedding's normal initialisation (1, as {@code nn.Embedding}).
   *
   * @param value σ
   * @return a copy
   */
  public PrefixTuning initStd(double value) {
    return new PrefixTuning(tokens, projection, value, seed, trainHead);
  }

  /**
   * The initialisation seed.
   *
   * @param value the seed
   * @return a copy
   */
  public PrefixTuning seed(long value) {
    return new PrefixTuning(tokens, projection, initStd, value, trainHead);
  }

  /**
   * Chooses whether the head trains.
   *
   * @param value false to freeze the head
   * @return a copy
   */
  public PrefixTuning trainHead(boolean value) {
    return new PrefixTuning(tokens, projection, initStd, seed, value);
  }

  /**
   * Number of virtual tokens.
   *
   * @return n
   */
  public int tokens() {
    return tokens;
  }

  /**
   * The projection width.
   *
   * @return m, or 0 without projection
   */
  public int projectionWidth() {
    return projection;
  }

  @Override
  public String kind() {
    return "prefix";
  }

  @Override
  public void install(SequenceClassifier model) {
    for (EncoderBlock layer : model.encoder().layers()) {
      if (layer.keyValuePrefix().isPresent()) {
        throw new IllegalStateException(layer.prefix().substring(0, layer.prefix().length() - 1)
            + " already has a key/value prefix; apply prefix tuning once");
      }
    }
    int max = model.config().maxPositionEmbeddings();
    if (tokens + 2 > max) {
      throw new IllegalArgumentException(tokens + " prefix tokens leave no room in " + max
          + " positions (max_position_embeddings): the real tokens' positions start after them");
    }
    int h = model.config().hiddenSize();
    int width = model.config().distinctLayers() * 2 * h; // one key/value pair per weight layer
    Table table;
    if (projection == 0) {
      float[] e = PeftParameters.normal(seed, EMBEDDING, tokens * width, initStd);
      table = new Table(PeftParameters.add(model, EMBEDDING, e, tokens, width), null, null, null,
          null);
    } else {
      float[] e = PeftParameters.normal(seed, EMBEDDING, tokens * h, initStd);
      Parameter emb = PeftParameters.add(model, EMBEDDING, e, tokens, h);
      Parameter[] first = linear(model, TRANSFORM + "0.", h, projection);
      Parameter[] second = linear(model, TRANSFORM + "2.", projection, width);
      table = new Table(emb, first[0], first[1], second[0], second[1]);
    }
    for (EncoderBlock layer : model.encoder().layers()) {
      int keys = 2 * layer.index() * h;
      layer.setKeyValuePrefix((ctx, batch) -> {
        NDArray all = table.values(ctx);
        return new KeyValuePrefix.Prefix(
            ctx.temporary(all.get(new NDIndex(":, {}:{}", keys, keys + h))),
            ctx.temporary(all.get(new NDIndex(":, {}:{}", keys + h, keys + 2 * h))));
      });
    }
    model.encoder().setPositionShift(tokens);
    PeftParameters.freezeBaseOnce(model);
    PeftParameters.head(model, trainHead);
  }

  /** A Linear(in, out) initialised as {@code torch.nn.Linear}: U(±1/√in) weight and bias. */
  private Parameter[] linear(SequenceClassifier model, String prefix, int in, int out) {
    double bound = 1.0 / Math.sqrt(in);
    Parameter w = PeftParameters.add(model, prefix + "weight",
        PeftParameters.uniform(seed, prefix + "weight", out * in, bound), out, in);
    Parameter b = PeftParameters.add(model, prefix + "bias",
        PeftParameters.uniform(seed, prefix + "bias", out, bound), out);
    return new Parameter[] {w, b};
  }

  /**
   * The (n, L·2·H) prefix table of a model this was applied to, computed through the projection
   * when there is one: what PEFT saves as {@code prompt_embeddings}.
   *
   * @param model the model
   * @return the table on the host
   */
  static HostTensor table(SequenceClassifier model) {
    var params = model.parameters();
    HostTensor emb = HostTensor.of(params.get(EMBEDDING).parameter().getArray());
    if (params.find(TRANSFORM + "0.weight").isEmpty()) {
      return emb;
    }
    try (NDManager m = model.manager().newSubManager()) {
      NDArray x = emb.toNDArray(m);
      NDArray z = Linear.linear(x, host(model, m, "0.weight"), host(model, m, "0.bias"))
          .singletonOrThrow().tanh();
      return HostTensor.of(
          Linear.linear(z, host(model, m, "2.weight"), host(model, m, "2.bias")).singletonOrThrow());
    }
  }

  private static NDArray host(SequenceClassifier model, NDManager m, String suffix) {
    return HostTensor.of(model.parameters().get(TRANSFORM + suffix).parameter().getArray())
        .toNDArray(m);
  }

  /** The prefix table, computed once per forward pass and shared by the layers. */
  private static final class Table {
    private final Parameter embedding;
    private final Parameter w0;
    private final Parameter b0;
    private final Parameter w2;
    private final Parameter b2;
    private ForwardContext lastContext;
    private NDArray lastValues;

    Table(Parameter embedding, Parameter w0, Parameter b0, Parameter w2, Parameter b2) {
      this.embedding = embedding;
      this.w0 = w0;
      this.b0 = b0;
      this.w2 = w2;
      this.b2 = b2;
    }

    synchronized NDArray values(ForwardContext ctx) {
      if (ctx == lastContext) {
        return lastValues;
      }
      NDArray e = ctx.value(embedding);
      NDArray out = e;
      if (w0 != null) {
        NDArray z = ctx.temporary(Linear.linear(e, ctx.value(w0), ctx.value(b0)).singletonOrThrow());
        out = Linear.linear(z.tanh(), ctx.value(w2), ctx.value(b2)).singletonOrThrow();
      }
      lastContext = ctx;
      lastValues = out;
      return out;
    }
  }

  @Override
  public String describe() {
    return "prefix-tuning(" + tokens + (projection > 0 ? ", projection=" + projection : "") + ")";
  }

  @Override
  public String toString() {
    return describe();
  }

  /** @return true for the embedding and the projection MLP */
  @Override
  public boolean owns(String hfName) {
    return EMBEDDING.equals(hfName) || hfName.startsWith(TRANSFORM);
  }

  /**
   * The (n, L·2·H) table as PEFT's {@code prompt_embeddings} (through the projection when there
   * is one, as PEFT saves it) and its PrefixTuningConfig fields.
   */
  @Override
  public AdapterState adapterState(SequenceClassifier model) {
    PeftParameters.required(model, EMBEDDING, "prefix tuning");
    HostTensor table = table(model);
    JsonObject o = PromptTuning.promptLearning(model.config(), (int) table.shape()[0]);
    var first = model.parameters().find(TRANSFORM + "0.weight");
    o.addProperty("encoder_hidden_size", first.isPresent()
        ? (int) first.get().parameter().getShape().get(0) : model.config().hiddenSize());
    o.addProperty("prefix_projection", first.isPresent());
    return new AdapterState(o, Map.of(PromptTuning.SAVED_NAME, table),
        AdapterState.Layout.PROMPT_LEARNING);
  }

  @Override
  public Map<String, long[]> expectedTensors(SequenceClassifier model) {
    EncoderConfig c = model.config();
    return Map.of(EMBEDDING, new long[] {tokens, (long) c.distinctLayers() * 2 * c.hiddenSize()});
  }

  @Override
  public String parameterName(String savedName) {
    return PromptTuning.SAVED_NAME.equals(savedName) ? EMBEDDING : savedName;
  }

  /**
   * The registry entry {@code prefix}: {@code prefix(20)}, {@code prefix(tokens=20,
   * projection=512)}; {@code peft_type} PREFIX_TUNING (loaded as the prefix itself, without MLP).
   *
   * <pre>{@code
   * FineTuningMethods.parse("prefix(20, 512)");   // Peft.prefixTuning(20).projection(512)
   * }</pre>
   */
  public static final class Type implements MethodType {

    /** Creates the entry (for ServiceLoader). */
    public Type() {}

    @Override
    public String name() {
      return "prefix";
    }

    @Override
    public String usage() {
      return "prefix(20)";
    }

    @Override
    public String help() {
      return "prefix tuning: n trainable keys and values in every layer, prefix(tokens=20, projection=0)";
    }

    @Override
    public FineTuningMethod parse(MethodSpec spec) {
      spec.accept("tokens", "projection");
      PrefixTuning p = of(spec.intArg(0, "tokens", 20));
      int projection = spec.intArg(1, "projection", 0);
      return projection > 0 ? p.projection(projection) : p;
    }

    @Override
    public Optional<String> adapterType() {
      return Optional.of("PREFIX_TUNING");
    }

    @Override
    public FineTuningMethod fromAdapterConfig(AdapterConfig config) {
      return of(config.required("num_virtual_tokens").getAsInt());
    }
  }
}
