package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.AtomicFiles;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.params.ModelParameters;
import dev.finetune.core.params.Reinitialization;
import dev.finetune.core.train.ModelTransform;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BERT/RoBERTa encoder with a sequence-classification (or regression) head, or a
 * token-classification head ({@link ProblemType#TOKEN_CLASSIFICATION}, saved as
 * {@code *ForTokenClassification}), as one DJL block that owns its {@link NDManager}, its
 * parameters (addressed by Hugging Face names) and its tokenizer. Every fine-tuning method applies
 * to either head the same way.
 *
 * <p>Forward input: {@code NDList[input_ids (B,T) int64, attention_mask (B,T) int64,
 * token_type_ids (B,T) int64]} (the last two optional); output: {@code NDList[logits (B,
 * numLabels) float32]}, for a token head {@code (B, T, numLabels)}. Dropout is active only in
 * training passes; evaluation is deterministic.
 *
 * <pre>{@code
 * try (SequenceClassifier model = Encoders.embeddedMiniLm().forSequenceClassification(2)) {
 *   Encoding e = model.tokenizer().encode("a gripping film");
 *   try (NDManager batch = model.manager().newSubManager()) {
 *     NDArray ids = batch.create(new long[][] {e.getIds()});
 *     NDArray logits = model.forward(new NDList(ids), false).singletonOrThrow();
 *   }
 * }
 * }</pre>
 */
public final class SequenceClassifier extends AbstractBlock implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SequenceClassifier.class);
  /** The forward parameter that carries the {@link Precision} of a pass. */
  private static final String PRECISION_PARAMETER = "precision";

  /** The {@code config.json} key of a multi-label head's decision thresholds (this library's). */
  public static final String THRESHOLDS_KEY = "finetune_thresholds";

  /** The decision threshold of each label until set. */
  public static final double DEFAULT_THRESHOLD = 0.5;

  private final EncoderConfig config;
  private final NDManager manager;
  private final ModelParameters parameters = new ModelParameters();
  private final Encoder encoder;
  private final ClassificationHead head;
  private final ProblemType problemType;
  private final byte[] tokenizerJson;
  private final int maxLength;
  private final List<String> freshParameters;
  private final List<ModelTransform> applied = new ArrayList<>();
  private final String source;
  private volatile List<String> labelNames;
  private HuggingFaceTokenizer tokenizer;
  private boolean closed;
  private volatile double[] thresholds;
  private volatile InferenceWeights frozenWeights;

  SequenceClassifier(
      EncoderConfig config,
      Map<String, HostTensor> weights,
      Pooling pooling,
      int numLabels,
      ProblemType problemType,
      boolean freshHead,
      long seed,
      Device device,
      byte[] tokenizerJson,
      int maxLength,
      List<String> labelNames,
      String source) {
    if (numLabels < 1) {
      throw new IllegalArgumentException("numLabels must be at least 1, got " + numLabels);
    }
    problemType.checkOutputs(numLabels);
    if ((pooling == Pooling.NONE) != problemType.perToken()) {
      throw new IllegalArgumentException(problemType.perToken()
          ? "a token-classification head has no pooling (Pooling.NONE), got " + pooling
          : "Pooling.NONE is the token-classification head's; a " + problemType
              + " head pools with CLS_POOLER or MEAN");
    }
    this.config = config;
    this.problemType = problemType;
    this.tokenizerJson = tokenizerJson;
    this.maxLength = maxLength;
    this.source = source;
    this.labelNames =
        labelNames != null && labelNames.size() == numLabels
            ? List.copyOf(labelNames)
            : defaultLabelNames(numLabels);
    this.thresholds = problemType == ProblemType.MULTI_LABEL_CLASSIFICATION
        ? defaultThresholds(numLabels) : null;
    this.manager = NDManager.newBaseManager(device);
    try {
      ParameterFactory factory =
          new ParameterFactory(manager, weights, seed, config, parameters);
      encoder = new Encoder(config, factory);
      head = new ClassificationHead(config, pooling, numLabels, factory, freshHead);
      freshParameters = factory.fresh();
      report(weights, factory.used(), seed);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    inputNames = List.of("input_ids", "attention_mask", "token_type_ids");
    inputShapes = new Shape[] {new Shape(-1, -1), new Shape(-1, -1), new Shape(-1, -1)};
  }

  /**
   * Creates a randomly initialised model (seeded, Hugging Face initialisation), CLS + pooler head,
   * no tokenizer: for tests and experiments with tiny configurations.
   *
   * <pre>{@code
   * EncoderConfig tiny = EncoderConfig.builder().vocabSize(100).hiddenSize(32).numLayers(2)
   *     .numHeads(4).intermediateSize(64).maxPositionEmbeddings(64).build();
   * try (SequenceClassifier m = SequenceClassifier.randomInit(tiny, 2, 42, Device.cpu())) { ... }
   * }</pre>
   *
   * @param config the encoder shape
   * @param numLabels outputs
   * @param seed the initialisation seed
   * @param device where the parameters live
   * @return the model
   */
  public static SequenceClassifier randomInit(
      EncoderConfig config, int numLabels, long seed, Device device) {
    return randomInit(config, numLabels, Pooling.CLS_POOLER, seed, device);
  }

  /**
   * Creates a randomly initialised model with the given pooling.
   *
   * @param config the encoder shape
   * @param numLabels outputs
   * @param pooling CLS_POOLER or MEAN (AUTO means CLS_POOLER here)
   * @param seed the initialisation seed
   * @param device where the parameters live
   * @return the model
   */
  public static SequenceClassifier randomInit(
      EncoderConfig config, int numLabels, Pooling pooling, long seed, Device device) {
    return randomInit(config, numLabels, pooling, seed, device, null);
  }

  /**
   * Creates a randomly initialised model with a tokenizer (e.g. from {@link WordPieceVocabulary});
   * {@link Pooling#NONE} makes a token-classification model.
   *
   * @param config the encoder shape
   * @param numLabels outputs
   * @param pooling CLS_POOLER or MEAN (AUTO means CLS_POOLER here), NONE for token classification
   * @param seed the initialisation seed
   * @param device where the parameters live
   * @param tokenizerJson the bytes of a {@code tokenizer.json}, or null for none
   * @return the model
   */
  public static SequenceClassifier randomInit(
      EncoderConfig config,
      int numLabels,
      Pooling pooling,
      long seed,
      Device device,
      byte[] tokenizerJson) {
    Pooling resolved = pooling == Pooling.AUTO ? Pooling.CLS_POOLER : pooling;
    if (tokenizerJson != null) {
      int ids = dev.finetune.core.checkpoint.TokenizerVocabulary.idCount(tokenizerJson);
      if (ids > config.vocabSize()) {
        throw new IllegalArgumentException(
            "the tokenizer produces ids up to " + (ids - 1) + " but vocab_size is " + config.vocabSize());
      }
    }
    ProblemType type = resolved == Pooling.NONE ? ProblemType.TOKEN_CLASSIFICATION
        : ProblemType.infer(numLabels);
    return new SequenceClassifier(
        config, Map.of(), resolved, numLabels, type, true, seed, device,
        tokenizerJson, Math.min(512, config.maxSequenceLength()), null, null);
  }

  /**
   * Creates a randomly initialised model for a given problem type (no tokenizer), e.g. a tiny
   * multi-label classifier for tests.
   *
   * <pre>{@code
   * SequenceClassifier m = SequenceClassifier.randomInit(
   *     tiny, ProblemType.MULTI_LABEL_CLASSIFICATION, 5, Pooling.MEAN, 42, Device.cpu());
   * }</pre>
   *
   * @param config the encoder configuration
   * @param problemType what the head predicts
   * @param numLabels outputs (1 for regression)
   * @param pooling the head's pooling ({@link Pooling#AUTO} = CLS + pooler)
   * @param seed initialisation seed
   * @param device where the parameters live
   * @return the model
   * @throws IllegalArgumentException when the problem type does not fit the number of outputs
   */
  public static SequenceClassifier randomInit(
      EncoderConfig config, ProblemType problemType, int numLabels, Pooling pooling, long seed,
      Device device) {
    return new SequenceClassifier(config, Map.of(), problemType.perToken() ? Pooling.NONE
        : pooling == Pooling.AUTO ? Pooling.CLS_POOLER : pooling, numLabels, problemType, true,
        seed, device, null, Math.min(512, config.maxSequenceLength()), null, null);
  }

  private void report(Map<String, HostTensor> weights, Set<String> used, long seed) {
    HeadLayout layout = config.modelType().headLayout();
    List<String> fresh =
        freshParameters.stream().filter(n -> !n.startsWith(HeadLayout.MEAN_CLASSIFIER + ".")).toList();
    if (!weights.isEmpty() && !fresh.isEmpty()) {
      String poolerName = layout.poolerName();
      boolean poolerOnly = fresh.stream().allMatch(n -> n.startsWith(poolerName + "."));
      LOG.warn(
          "{}: {} newly initialised (seeded {}, N(0, {})): {}",
          poolerOnly
              ? "the checkpoint has no pooler weights (" + poolerName + ".*) for CLS pooling"
              : "weights missing from the checkpoint",
          fresh.size() == 1 ? "it is" : "they are",
          seed,
          config.initializerRange(),
          fresh);
    }
    if (!weights.isEmpty()) {
      List<String> newHead =
          freshParameters.stream().filter(n -> n.startsWith("classifier.")).toList();
      if (!newHead.isEmpty()) {
        LOG.info(
            "classification head ({} labels, {} pooling) initialised fresh, seed {}: {}",
            head.numLabels(),
            head.pooling().configValue(),
            seed,
            newHead);
      }
    }
    List<String> unused =
        weights.keySet().stream()
            .filter(n -> !used.contains(n))
            .filter(n -> n.startsWith("pooler.") || n.startsWith(HeadLayout.MEAN_CLASSIFIER + ".")
                || n.startsWith(layout.poolerName() + "."))
            .toList();
    if (!unused.isEmpty()) {
      LOG.info(
          "{} pooling: checkpoint tensors not used by this head: {}",
          head.pooling().configValue(),
          unused);
    }
  }

  /** {@inheritDoc} */
  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    InferenceWeights frozen = frozenWeights;
    if (frozen != null) {
      if (!training && precisionOf(params) == Precision.FP32) {
        return forwardForPrediction(inputs, frozen);
      }
      if (training) {
        unfreeze(); // the weights are about to change: the copies would go stale
      }
    }
    return new NDList(run(context(parameterStore, inputs, training, precisionOf(params)), inputs));
  }

  /**
   * Makes every later float32 evaluation forward of this model ({@code forward(inputs, false)},
   * DJL predictors over this block) run on copies of its current weights fused for prediction
   * ({@link InferenceWeights}: faster, within ≈ 1e-6 of the plain forward). For a model that only
   * predicts from now on, as a DJL {@code ZooModel} loaded from a saved folder: a training forward
   * drops the copies, but weights changed in other ways (loading, writing arrays) are not seen.
   *
   * <pre>{@code
   * model.freezeForPrediction();
   * NDArray logits = model.forward(inputs, false).singletonOrThrow();  // fused
   * }</pre>
   */
  public synchronized void freezeForPrediction() {
    if (frozenWeights == null) {
      frozenWeights = InferenceWeights.of(this);
    }
  }

  /**
   * Tells whether evaluation forwards run on fused copies ({@link #freezeForPrediction()}).
   *
   * @return true until a training forward or {@link #close()}
   */
  public boolean isFrozenForPrediction() {
    return frozenWeights != null;
  }

  private synchronized void unfreeze() {
    InferenceWeights frozen = frozenWeights;
    frozenWeights = null;
    if (frozen != null) {
      frozen.close();
    }
  }

  /**
   * Runs a training forward pass whose backward goes through {@link TrainingPass#backward}: with
   * {@code checkpointLayers}, the encoder keeps only each layer's input and recomputes the layers
   * in the backward (gradient checkpointing: less memory, about one more forward of time); the
   * gradients are those of the plain pass, dropout masks included.
   *
   * <pre>{@code
   * try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
   *   TrainingPass pass = model.trainingPass(store, batch.modelInputs(), true);
   *   pass.backward(collector, loss.compute(pass.logits(), labels));
   * }
   * }</pre>
   *
   * @param parameterStore where parameter values come from
   * @param inputs input_ids, optionally attention_mask and token_type_ids, each (B, T)
   * @param checkpointLayers true to recompute the layers in the backward
   * @return the pass: its logits, and its backward
   */
  public TrainingPass trainingPass(
      ParameterStore parameterStore, NDList inputs, boolean checkpointLayers) {
    return trainingPass(parameterStore, inputs, checkpointLayers, Precision.FP32);
  }

  /**
   * As {@link #trainingPass(ParameterStore, NDList, boolean)}, with the matrix products in a
   * precision ({@link Precision}: bf16 or fp16 compute, float32 weights and gradients).
   *
   * @param parameterStore where parameter values come from
   * @param inputs input_ids, optionally attention_mask and token_type_ids, each (B, T)
   * @param checkpointLayers true to recompute the layers in the backward
   * @param precision the precision of the matrix products
   * @return the pass: its logits, and its backward
   */
  public TrainingPass trainingPass(ParameterStore parameterStore, NDList inputs,
      boolean checkpointLayers, Precision precision) {
    ForwardContext ctx = context(parameterStore, inputs, true, precision);
    LayerCheckpoints checkpoints = checkpointLayers ? new LayerCheckpoints() : null;
    ctx.checkpointLayers(checkpoints);
    return new TrainingPass(run(ctx, inputs), checkpoints);
  }

  private NDArray run(ForwardContext ctx, NDList inputs) {
    EncoderOutput encoded = encoder.forward(ctx, inputs.get(0), input(inputs, 1), input(inputs, 2));
    long prepended = encoded.lastHiddenState().getShape().get(1) - inputs.get(0).getShape().get(1);
    if (problemType.perToken() && prepended > 0) {
      // soft tokens (prompt tuning) carry no label: tag the input's own tokens only, as PEFT's
      // token-classification model drops the virtual tokens' outputs
      encoded = new EncoderOutput(
          encoded.lastHiddenState().get(new NDIndex(":, {}:, :", prepended)),
          encoded.attentionMask().get(new NDIndex(":, {}:", prepended)));
    }
    return head.forward(ctx, encoded);
  }

  /**
   * Runs a forward pass with this model's own parameter values (no DJL trainer needed).
   *
   * @param inputs input_ids, optionally attention_mask and token_type_ids, each (B, T)
   * @param training true to enable dropout
   * @return logits (B, numLabels), owned by the inputs' manager
   */
  public NDList forward(NDList inputs, boolean training) {
    return forward(new ParameterStore(manager, false), inputs, training);
  }

  /**
   * Runs a forward pass whose matrix products run in {@code precision} (float32 parameters and
   * float32 logits either way; see {@link Precision}).
   *
   * <pre>{@code
   * NDArray logits = model.forward(store, inputs, true, Precision.FP16).singletonOrThrow();
   * }</pre>
   *
   * @param store where parameter values come from
   * @param inputs input_ids, optionally attention_mask and token_type_ids, each (B, T)
   * @param training true to enable dropout
   * @param precision the precision of the matrix products
   * @return logits, owned by the inputs' manager
   */
  public NDList forward(ParameterStore store, NDList inputs, boolean training,
      Precision precision) {
    PairList<String, Object> params = new PairList<>();
    params.add(PRECISION_PARAMETER, precision);
    return forward(store, inputs, training, params);
  }

  private static Precision precisionOf(PairList<String, Object> params) {
    Object value = params == null ? null : params.get(PRECISION_PARAMETER);
    return value instanceof Precision p ? p : Precision.FP32;
  }

  /**
   * Runs an evaluation pass with fused copies of the weights ({@link InferenceWeights}): query,
   * key and value in one matrix product per layer. Logits agree with {@link #forward(NDList,
   * boolean) forward(inputs, false)} within float rounding (≈ 1e-6), not bit for bit. Call it
   * without gradient recording ({@code NoGradScope}); the weights must not have changed since
   * the copies were made.
   *
   * <pre>{@code
   * try (InferenceWeights fused = InferenceWeights.of(model);
   *     NoGradScope ignored = NoGradScope.enter()) {
   *   NDArray logits = model.forwardForPrediction(inputs, fused).singletonOrThrow();
   * }
   * }</pre>
   *
   * @param inputs input_ids, optionally attention_mask and token_type_ids, each (B, T)
   * @param weights copies fused from this model
   * @return logits, owned by the inputs' manager
   * @throws IllegalArgumentException when the weights were fused from another model
   */
  public NDList forwardForPrediction(NDList inputs, InferenceWeights weights) {
    ForwardContext ctx = context(new ParameterStore(manager, false), inputs, false, Precision.FP32)
        .inferenceWeights(java.util.Objects.requireNonNull(weights, "weights"));
    return new NDList(run(ctx, inputs));
  }

  /**
   * Runs the encoder alone in evaluation mode (for embeddings and parity checks).
   *
   * @param inputs input_ids, optionally attention_mask and token_type_ids, each (B, T)
   * @return the last hidden state (B, T, H) and its mask, owned by the inputs' manager
   */
  public EncoderOutput encode(NDList inputs) {
    ForwardContext ctx = context(new ParameterStore(manager, false), inputs, false, Precision.FP32);
    return encoder.forward(ctx, inputs.get(0), input(inputs, 1), input(inputs, 2));
  }

  private ForwardContext context(ParameterStore store, NDList inputs, boolean training,
      Precision precision) {
    if (closed) {
      throw new IllegalStateException("this model is closed");
    }
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException(
          "inputs must be [input_ids, attention_mask, token_type_ids], got none");
    }
    NDArray ids = inputs.get(0);
    return new ForwardContext(store, ids.getDevice(), training, ids.getManager(), precision);
  }

  private static NDArray input(NDList inputs, int index) {
    return inputs.size() > index ? inputs.get(index) : null;
  }

  /** {@inheritDoc} */
  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {problemType.perToken()
        ? new Shape(inputShapes[0].get(0), inputShapes[0].get(1), head.numLabels())
        : new Shape(inputShapes[0].get(0), head.numLabels())};
  }

  /** {@inheritDoc} */
  @Override
  public DataType[] getOutputDataTypes() {
    return new DataType[] {DataType.FLOAT32};
  }

  /**
   * The parameters are created with their values; DJL initialisation only records input shapes.
   *
   * @param manager ignored
   * @param dataType ignored (float32)
   * @param inputShapes the input shapes
   */
  @Override
  public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
    beforeInitialize(inputShapes);
  }

  /** {@inheritDoc} */
  @Override
  public boolean isInitialized() {
    return !closed;
  }

  /**
   * Every parameter (base, head and PEFT additions) keyed by its Hugging Face name.
   *
   * @return DJL's view of {@link #parameters()}
   */
  @Override
  public ParameterList getDirectParameters() {
    Map<String, Parameter> map = new LinkedHashMap<>();
    for (ModelParameter p : parameters.all()) {
      map.put(p.hfName(), p.parameter());
    }
    return new ParameterList(map);
  }

  /**
   * Re-initialises the top {@code n} encoder layers and, if asked, the pooler (Zhang et al. 2021).
   *
   * @param n layers from the top
   * @param pooler whether the pooler is re-initialised too
   * @param seed the seed
   */
  public void reinitializeTopLayers(int n, boolean pooler, long seed) {
    Reinitialization.topLayers(parameters, n, pooler, config.initializerRange(), seed);
  }

  /**
   * Saves the model in Hugging Face layout: {@code config.json} (with labels, pooling and
   * architecture), {@code model.safetensors} (encoder weights under the family's
   * {@link ModelType#checkpointPrefix()}, {@code classifier.*} unprefixed, as
   * {@code *ForSequenceClassification} does) and
   * {@code tokenizer.json}. Each file is written atomically.
   *
   * @param dir the target folder (created if needed)
   */
  public void save(Path dir) {
    write(dir, Map.of(), name -> false, Precision.FP32);
  }

  /**
   * Saves as {@link #save(Path)} does, with the weights stored in {@code storage}'s type (values
   * rounded to nearest even): half the size in bf16 or fp16, as half-precision checkpoints are
   * published; loading reads them back as float32.
   *
   * <pre>{@code
   * model.save(Path.of("runs/model-bf16"), Precision.BF16);   // model.safetensors with BF16 tensors
   * }</pre>
   *
   * @param dir the target folder (created if needed)
   * @param storage the type of the saved weights
   */
  public void save(Path dir, Precision storage) {
    write(dir, Map.of(), name -> false, storage);
  }

  /**
   * Saves a plain model folder with the applied fine-tuning methods folded into the base weights
   * (PEFT's {@code merge_and_unload}): the layout of {@link #save}, without the methods' own
   * parameters, so that {@link Encoders#load} reads it as an ordinary fine-tuned model with the
   * same outputs (within float rounding). Methods that train base weights (full, selective) need
   * nothing merged. The model itself is not changed.
   *
   * <pre>{@code
   * FineTune.of(model).peft(Peft.lora()).fit(train, dev);
   * model.saveMerged(Path.of("runs/merged"));     // then Predictor.load(Path.of("runs/merged"))
   * }</pre>
   *
   * @param dir the target folder (created if needed)
   * @throws IllegalStateException naming the method when one cannot be merged (prompt and prefix
   *     tuning, bottleneck adapters add computation the base has no place for: save them with
   *     {@code MethodCheckpoint.save})
   */
  public void saveMerged(Path dir) {
    Map<String, HostTensor> merged = new LinkedHashMap<>();
    List<dev.finetune.core.method.FineTuningMethod> methods = new ArrayList<>();
    for (ModelTransform t : appliedMethods()) {
      if (!(t instanceof dev.finetune.core.method.FineTuningMethod m) || m.changesBaseWeights()) {
        continue;
      }
      methods.add(m);
      Map<String, HostTensor> weights = m.mergedWeights(this).orElseThrow(() ->
          new IllegalStateException(m.describe() + " cannot be merged into the base weights: it"
              + " adds computation the base model has no place for; save it as an adapter"
              + " (MethodCheckpoint.save(model, dir)) and load it with its base"));
      for (String name : weights.keySet()) {
        if (merged.containsKey(name)) {
          throw new IllegalStateException("two applied methods change " + name
              + "; merge them one at a time");
        }
      }
      merged.putAll(weights);
    }
    write(dir, merged, name -> methods.stream().anyMatch(m -> m.owns(name)), Precision.FP32);
  }

  private void write(Path dir, Map<String, HostTensor> replaced,
      java.util.function.Predicate<String> omit, Precision storage) {
    try {
      Files.createDirectories(dir);
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      String prefix = config.modelType().checkpointPrefix();
      for (ModelParameter p : parameters.all()) {
        if (omit.test(p.hfName())) {
          continue;
        }
        String key =
            config.modelType().headLayout().outsideBaseModel(p.hfName())
                ? p.hfName()
                : prefix + p.hfName();
        HostTensor value = replaced.get(p.hfName());
        tensors.put(key, value != null ? value : HostTensor.of(p.parameter().getArray()));
      }
      SafeTensors.write(dir.resolve("model.safetensors"), tensors, storage.safetensorsType());
      Path staleIndex = dir.resolve("model.safetensors.index.json");
      if (Files.deleteIfExists(staleIndex)) {
        LOG.info("removed {}: the saved weights are in one model.safetensors", staleIndex);
      }
      AtomicFiles.write(
          dir.resolve("config.json"), savedConfig().getBytes(StandardCharsets.UTF_8));
      if (tokenizerJson != null) {
        AtomicFiles.write(dir.resolve("tokenizer.json"), tokenizerJson);
      }
      LOG.info("saved {} tensors to {}", tensors.size(), dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + dir + ": " + e.getMessage(), e);
    }
  }

  private String savedConfig() {
    JsonObject o = config.toJsonObject();
    JsonArray architectures = new JsonArray();
    architectures.add(problemType.perToken()
        ? config.modelType().tokenClassificationArchitecture()
        : config.modelType().sequenceClassificationArchitecture());
    o.add("architectures", architectures);
    JsonObject id2label = new JsonObject();
    JsonObject label2id = new JsonObject();
    List<String> names = labelNames;
    for (int i = 0; i < names.size(); i++) {
      id2label.addProperty(String.valueOf(i), names.get(i));
      label2id.addProperty(names.get(i), i);
    }
    o.add("id2label", id2label);
    o.add("label2id", label2id);
    if (problemType.savedAsProblemType()) {
      o.addProperty("problem_type", problemType.hfName());
    }
    o.addProperty("finetune_pooling", head.pooling().configValue());
    config.modelType().describeHead(o, head.pooling());
    if (thresholds != null) {
      o.add(THRESHOLDS_KEY, thresholdsJson());
    }
    return new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(o);
  }

  /**
   * The encoder configuration.
   *
   * @return the config
   */
  public EncoderConfig config() {
    return config;
  }

  /**
   * Number of outputs.
   *
   * @return labels (1 for regression)
   */
  public int numLabels() {
    return head.numLabels();
  }

  /**
   * The class names, index = class id: read from {@code config.json}'s {@code id2label}, set
   * from the training set by {@code FineTune.fit} when the model still has the default names, or
   * set with {@link #labelNames(List)}; {@code LABEL_0}, {@code LABEL_1}, ... (Hugging Face's
   * defaults) otherwise. Saved as {@code id2label} / {@code label2id}.
   *
   * <pre>{@code
   * model.labelNames(List.of("negative", "positive"));
   * model.labelNames().get(1);   // "positive"
   * }</pre>
   *
   * @return one name per output
   */
  public List<String> labelNames() {
    return labelNames;
  }

  /**
   * Names the classes (one name per output, all different).
   *
   * @param names the names, index = class id
   * @throws IllegalArgumentException when the count differs from {@link #numLabels()} or a name
   *     is blank or repeated
   */
  public void labelNames(List<String> names) {
    List<String> copy = List.copyOf(names);
    if (copy.size() != head.numLabels()) {
      throw new IllegalArgumentException("the model has " + head.numLabels() + " output(s) but "
          + copy.size() + " label names were given: " + copy);
    }
    if (copy.stream().anyMatch(String::isBlank) || Set.copyOf(copy).size() != copy.size()) {
      throw new IllegalArgumentException(
          "label names must be non-blank and different, got " + copy);
    }
    labelNames = copy;
  }

  /**
   * Tells whether the classes still have Hugging Face's default names {@code LABEL_i}.
   *
   * @return true when no names were loaded or set
   */
  public boolean hasDefaultLabelNames() {
    return labelNames.equals(defaultLabelNames(head.numLabels()));
  }

  /**
   * Hugging Face's default class names.
   *
   * @param count outputs
   * @return {@code LABEL_0 .. LABEL_{count-1}}
   */
  public static List<String> defaultLabelNames(int count) {
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add("LABEL_" + i);
    }
    return List.copyOf(names);
  }

  /**
   * Where the base encoder was loaded from (a folder, or the embedded MiniLM's description), as
   * adapter checkpoints record it in {@code base_model_name_or_path}.
   *
   * @return the source; empty for randomly initialised models
   */
  public java.util.Optional<String> source() {
    return java.util.Optional.ofNullable(source);
  }

  /**
   * Tells whether the head is a regression head (one output, MSE loss).
   *
   * @return true for regression
   */
  public boolean isRegression() {
    return problemType == ProblemType.REGRESSION;
  }

  /**
   * What the head predicts; saved in {@code config.json} as {@code problem_type}.
   *
   * @return the problem type
   */
  public ProblemType problemType() {
    return problemType;
  }

  /**
   * The decision thresholds of a multi-label head, one per label: a label is predicted when its
   * sigmoid probability reaches its threshold. {@value #DEFAULT_THRESHOLD} each until set; training
   * sets them at each validation to the ones it scored with (the {@code threshold} setting, or the
   * per-label thresholds tuned on validation with {@code tune_thresholds}), so the saved model
   * decides as its last (or, restored, best) validation did. Saved in {@code config.json} and
   * {@code adapter_config.json} as {@value #THRESHOLDS_KEY}; a folder without the key loads with
   * {@value #DEFAULT_THRESHOLD} each.
   *
   * <pre>{@code
   * model.decisionThresholds(MultiLabelMetrics.global(0.4, model.numLabels()));
   * model.decisionThresholds()[3];   // 0.4
   * }</pre>
   *
   * @return a copy, one per label
   * @throws IllegalStateException for a head that is not multi-label
   */
  public double[] decisionThresholds() {
    double[] t = thresholds;
    if (t == null) {
      throw new IllegalStateException("decision thresholds belong to multi-label heads; this head"
          + " is " + problemType.hfName());
    }
    return t.clone();
  }

  /**
   * Sets the decision thresholds of a multi-label head (see {@link #decisionThresholds()}).
   *
   * @param values one per label, each in (0, 1)
   * @throws IllegalStateException for a head that is not multi-label
   * @throws IllegalArgumentException naming the count or the value that does not fit
   */
  public void decisionThresholds(double[] values) {
    if (thresholds == null) {
      throw new IllegalStateException("decision thresholds belong to multi-label heads; this head"
          + " is " + problemType.hfName());
    }
    thresholds = checkThresholds(values, head.numLabels());
  }

  /**
   * Checks decision thresholds: one per label, each in (0, 1).
   *
   * @param values the thresholds
   * @param numLabels the labels
   * @return a copy
   * @throws IllegalArgumentException naming the count or the value that does not fit
   */
  public static double[] checkThresholds(double[] values, int numLabels) {
    if (values.length != numLabels) {
      throw new IllegalArgumentException("expected one decision threshold per label (" + numLabels
          + "), got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] > 0 && values[i] < 1)) {
        throw new IllegalArgumentException("decision threshold " + i + " must be in (0, 1), got "
            + values[i]);
      }
    }
    return values.clone();
  }

  private static double[] defaultThresholds(int numLabels) {
    double[] t = new double[numLabels];
    java.util.Arrays.fill(t, DEFAULT_THRESHOLD);
    return t;
  }

  /**
   * The thresholds as saved under {@value #THRESHOLDS_KEY}.
   *
   * @return a JSON array, one number per label
   * @throws IllegalStateException for a head that is not multi-label
   */
  public JsonArray thresholdsJson() {
    JsonArray array = new JsonArray();
    for (double t : decisionThresholds()) {
      array.add(t);
    }
    return array;
  }

  /**
   * The device holding the parameters.
   *
   * @return the device
   */
  public Device device() {
    return manager.getDevice();
  }

  /**
   * The manager that owns the parameters; open per-batch sub-managers from it.
   *
   * @return the manager
   */
  public NDManager manager() {
    return manager;
  }

  /**
   * Tells whether a tokenizer came with the model.
   *
   * @return false for {@link #randomInit} models
   */
  public boolean hasTokenizer() {
    return tokenizerJson != null;
  }

  /**
   * The tokenizer: padding off (pad per batch yourself), truncation on at {@link #maxLength()},
   * special tokens added. Created on first use; closed with the model.
   *
   * @return the tokenizer
   * @throws IllegalStateException when the model has none (see {@link #hasTokenizer()})
   */
  public synchronized HuggingFaceTokenizer tokenizer() {
    if (tokenizerJson == null) {
      throw new IllegalStateException(
          "this model has no tokenizer (randomly initialised); load one with a tokenizer.json");
    }
    if (tokenizer == null) {
      tokenizer = newTokenizer(tokenizerJson, maxLength);
    }
    return tokenizer;
  }

  static HuggingFaceTokenizer newTokenizer(byte[] json, int maxLength) {
    try {
      return HuggingFaceTokenizer.newInstance(
          new ByteArrayInputStream(json),
          Map.of(
              "padding", "false",
              "truncation", "true",
              "maxLength", String.valueOf(maxLength),
              "addSpecialTokens", "true"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the tokenizer", e);
    }
  }

  /**
   * Longest token sequence the tokenizer produces.
   *
   * @return the truncation length
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * All parameters with names and addresses; freeze, select and count through it.
   *
   * @return the parameters
   */
  public ModelParameters parameters() {
    return parameters;
  }

  /**
   * The encoder body and its extension points.
   *
   * @return the encoder
   */
  public Encoder encoder() {
    return encoder;
  }

  /**
   * The classification head.
   *
   * @return the head
   */
  public ClassificationHead head() {
    return head;
  }

  /**
   * Names of the parameters that were initialised fresh rather than loaded.
   *
   * @return the names, in model order
   */
  public List<String> freshParameters() {
    return freshParameters;
  }

  /**
   * Applies a fine-tuning method (or any transform) to this model and records it: the one entry
   * point through which {@code FineTune} and adapter loading change a model, so that checkpoints
   * can save exactly what was applied. A {@link dev.finetune.core.method.FineTuningMethod}'s own
   * {@code apply} comes here too.
   *
   * <pre>{@code
   * model.apply(Peft.lora().r(8));
   * model.appliedMethods();   // [lora(r=8, ...)]
   * }</pre>
   *
   * @param method the method to install
   */
  public void apply(ModelTransform method) {
    if (method instanceof dev.finetune.core.method.FineTuningMethod m) {
      m.install(this);
    } else {
      method.apply(this);
    }
    synchronized (applied) {
      applied.add(method);
    }
  }

  /**
   * The methods applied through {@link #apply(ModelTransform)}, in order.
   *
   * @return an immutable snapshot
   */
  public List<ModelTransform> appliedMethods() {
    synchronized (applied) {
      return List.copyOf(applied);
    }
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "SequenceClassifier("
        + config
        + ", "
        + head.pooling().configValue()
        + " pooling, "
        + head.numLabels()
        + (isRegression() ? " output (regression)"
            : problemType == ProblemType.MULTI_LABEL_CLASSIFICATION ? " labels (multi-label)"
            : problemType.perToken() ? " tags per token" : " labels")
        + ", "
        + parameters.all().stream()
            .collect(Collectors.summingLong(ModelParameter::size))
        + " parameters)";
  }

  /** Frees the parameters and the tokenizer. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    unfreeze();
    if (tokenizer != null) {
      tokenizer.close();
      tokenizer = null;
    }
    manager.close();
  }
}
