package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.LoadReport;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded pre-trained encoder: configuration, weights (in Java memory) and tokenizer, ready to
 * become a model with a task head. Holds no native resources; each head built from it owns its
 * own copy of the weights on its device.
 *
 * <pre>{@code
 * PretrainedEncoder bert = Encoders.load(Path.of("models/bert"));
 * try (SequenceClassifier model = bert.forSequenceClassification(2)) { ... }
 * try (SequenceClassifier reg = bert.classifier().regression().pooling(Pooling.MEAN).seed(7).build()) { ... }
 * }</pre>
 */
public final class PretrainedEncoder {

  /** Seed of fresh head parameters when none is given. */
  public static final long DEFAULT_SEED = 42L;

  private final EncoderConfig config;
  private final Map<String, HostTensor> weights;
  private final byte[] tokenizerJson;
  private final int maxLength;
  private final Device device;
  private final LoadReport loadReport;
  private final Pooling savedPooling;
  private final java.util.List<String> savedLabelNames;
  private final ProblemType savedProblemType;
  private final double[] savedThresholds;
  private final String source;
  private final String name;

  PretrainedEncoder(
      EncoderConfig config,
      Map<String, HostTensor> weights,
      byte[] tokenizerJson,
      int maxLength,
      Device device,
      LoadReport loadReport,
      Pooling savedPooling,
      java.util.List<String> savedLabelNames,
      ProblemType savedProblemType,
      double[] savedThresholds,
      String source,
      String name) {
    this.config = config;
    this.weights = Collections.unmodifiableMap(weights);
    this.tokenizerJson = tokenizerJson;
    this.maxLength = maxLength;
    this.device = device;
    this.loadReport = loadReport;
    this.savedPooling = savedPooling;
    this.savedLabelNames = savedLabelNames == null ? java.util.List.of() : java.util.List.copyOf(savedLabelNames);
    this.savedProblemType = savedProblemType;
    this.savedThresholds = savedThresholds == null ? null : savedThresholds.clone();
    this.source = source;
    this.name = name;
  }

  /**
   * A sequence classifier with {@link Pooling#AUTO} pooling and seed {@value #DEFAULT_SEED} for
   * fresh parameters.
   *
   * @param numLabels number of classes (at least 1)
   * @return a new model; close it
   */
  public SequenceClassifier forSequenceClassification(int numLabels) {
    return classifier().numLabels(numLabels).build();
  }

  /**
   * A sequence classifier with the given pooling.
   *
   * @param numLabels number of classes
   * @param pooling how hidden states are pooled
   * @return a new model; close it
   */
  public SequenceClassifier forSequenceClassification(int numLabels, Pooling pooling) {
    return classifier().numLabels(numLabels).pooling(pooling).build();
  }

  /**
   * A regression model (one output, MSE) with {@link Pooling#AUTO} pooling.
   *
   * @return a new model; close it
   */
  public SequenceClassifier forRegression() {
    return classifier().regression().build();
  }

  /**
   * A regression model with the given pooling.
   *
   * @param pooling how hidden states are pooled
   * @return a new model; close it
   */
  public SequenceClassifier forRegression(Pooling pooling) {
    return classifier().regression().pooling(pooling).build();
  }

  /**
   * Starts configuring a classification or regression head.
   *
   * @return a builder
   */
  public HeadBuilder classifier() {
    return new HeadBuilder();
  }

  /**
   * The configuration (after keep-first-k-layers).
   *
   * @return the config
   */
  public EncoderConfig config() {
    return config;
  }

  /**
   * The loaded tensors by Hugging Face name (read-only; shared, do not modify the arrays).
   *
   * @return the weights
   */
  public Map<String, HostTensor> weights() {
    return weights;
  }

  /**
   * How the checkpoint matched the encoder.
   *
   * @return missing, unexpected and dropped tensor names
   */
  public LoadReport loadReport() {
    return loadReport;
  }

  /**
   * The device heads are created on.
   *
   * @return the device
   */
  public Device device() {
    return device;
  }

  /**
   * Tells whether a tokenizer was found.
   *
   * @return true when {@code tokenizer.json} was loaded
   */
  public boolean hasTokenizer() {
    return tokenizerJson != null;
  }

  /**
   * A new tokenizer (padding off, truncation at {@link #maxLength()}); the caller closes it.
   *
   * @return the tokenizer
   * @throws IllegalStateException when there is no tokenizer
   */
  public HuggingFaceTokenizer newTokenizer() {
    if (tokenizerJson == null) {
      throw new IllegalStateException(source + " has no tokenizer.json");
    }
    return SequenceClassifier.newTokenizer(tokenizerJson, maxLength);
  }

  /**
   * Truncation length of tokenizers made from this encoder.
   *
   * @return the maximum number of tokens
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Where the encoder was loaded from.
   *
   * @return a description (folder or artifact)
   */
  public String source() {
    return source;
  }

  /**
   * The name adapter checkpoints record as their base ({@code base_model_name_or_path}): the
   * folder's absolute path, or {@value dev.finetune.core.checkpoint.EmbeddedMiniLm#HF_ID} for the
   * embedded model.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The pooling recorded in a checkpoint saved by this library.
   *
   * @return the pooling, if recorded
   */
  public Optional<Pooling> savedPooling() {
    return Optional.ofNullable(savedPooling);
  }

  /**
   * The class names recorded in {@code config.json}'s {@code id2label} (index = class id); a
   * model built with as many labels carries them (unless its head is fresh).
   *
   * @return the names; empty when the file has none
   */
  public java.util.List<String> savedLabelNames() {
    return savedLabelNames;
  }

  /**
   * The {@code problem_type} recorded in the checkpoint's {@code config.json}; a head built without
   * an explicit kind keeps it when its number of labels fits.
   *
   * @return the problem type, if recorded
   */
  public Optional<ProblemType> savedProblemType() {
    return Optional.ofNullable(savedProblemType);
  }

  /**
   * The multi-label decision thresholds recorded in {@code config.json} ({@value
   * SequenceClassifier#THRESHOLDS_KEY}); a multi-label head built with as many labels (and not
   * fresh) carries them.
   *
   * @return a copy, if recorded
   */
  public Optional<double[]> savedThresholds() {
    return Optional.ofNullable(savedThresholds).map(double[]::clone);
  }

  Pooling resolve(Pooling pooling) {
    if (pooling != Pooling.AUTO) {
      return pooling;
    }
    if (savedPooling != null) {
      return savedPooling;
    }
    return config.modelType().defaultPooling(config, weights.keySet());
  }

  /**
   * Configures the task head built on a {@link PretrainedEncoder}.
   *
   * <pre>{@code
   * SequenceClassifier m = encoder.classifier().numLabels(3).pooling(Pooling.CLS_POOLER)
   *     .seed(7).freshHead(true).build();
   * }</pre>
   */
  public final class HeadBuilder {
    private Integer numLabels;
    private ProblemType problemType;
    private Pooling pooling = Pooling.AUTO;
    private long seed = DEFAULT_SEED;
    private boolean freshHead;
    private Device target = device;

    private HeadBuilder() {}

    /**
     * Sets the device the model is created on (default the loader's); a GPU request resolves as
     * {@link Devices#resolve(Device)} does.
     *
     * @param value e.g. {@code Devices.parse("cuda:0")}
     * @return this builder
     * @throws IllegalArgumentException for a GPU number the engine does not have
     */
    public HeadBuilder device(Device value) {
      target = Devices.resolve(value);
      return this;
    }

    /**
     * Sets the number of classes (default: the rows of the checkpoint's classifier when it has
     * one, so a model someone already fine-tuned keeps its head; else 2).
     *
     * @param value at least 1
     * @return this builder
     */
    public HeadBuilder numLabels(int value) {
      numLabels = value;
      if (problemType == ProblemType.REGRESSION) {
        problemType = null;
      }
      return this;
    }

    /**
     * Makes a regression head (one output).
     *
     * @return this builder
     */
    public HeadBuilder regression() {
      numLabels = 1;
      problemType = ProblemType.REGRESSION;
      return this;
    }

    /**
     * Makes a token-classification head ({@code *ForTokenClassification}): no pooling, dropout and
     * {@code classifier} on every token's state, one of {@code value} tags per token.
     *
     * <pre>{@code
     * SequenceClassifier ner = encoder.classifier().tokenClassification(9).build(); // CoNLL tags
     * }</pre>
     *
     * @param value the number of tags (O, B-X, I-X, ...), at least 2
     * @return this builder
     */
    public HeadBuilder tokenClassification(int value) {
      numLabels = value;
      problemType = ProblemType.TOKEN_CLASSIFICATION;
      return this;
    }

    /**
     * Makes a multi-label head: {@code value} independent sigmoid outputs, trained with binary
     * cross-entropy.
     *
     * @param value the number of labels, at least 1
     * @return this builder
     */
    public HeadBuilder multiLabel(int value) {
      numLabels = value;
      problemType = ProblemType.MULTI_LABEL_CLASSIFICATION;
      return this;
    }

    /**
     * Sets the problem type (default: the checkpoint's {@code problem_type} when the head is not
     * fresh and it fits the number of labels, else inferred from it: 1 output is regression, more
     * single-label).
     *
     * @param value the problem type
     * @return this builder
     */
    public HeadBuilder problemType(ProblemType value) {
      problemType = java.util.Objects.requireNonNull(value, "problemType");
      if (value == ProblemType.REGRESSION) {
        numLabels = 1;
      }
      return this;
    }

    /**
     * Sets the pooling (default {@link Pooling#AUTO}; token-classification heads have
     * {@link Pooling#NONE}).
     *
     * @param value the pooling
     * @return this builder
     */
    public HeadBuilder pooling(Pooling value) {
      pooling = java.util.Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets the seed of freshly initialised parameters (default {@value #DEFAULT_SEED}).
     *
     * @param value the seed
     * @return this builder
     */
    public HeadBuilder seed(long value) {
      seed = value;
      return this;
    }

    /**
     * Initialises the classifier fresh even when the checkpoint has one (for a new label set).
     *
     * @param value true to ignore checkpoint classifier weights
     * @return this builder
     */
    public HeadBuilder freshHead(boolean value) {
      freshHead = value;
      return this;
    }

    private ProblemType problemType() {
      if (problemType != null) {
        return problemType;
      }
      int labels = labels(resolve(pooling));
      if (savedProblemType != null && !freshHead
          && (savedProblemType == ProblemType.REGRESSION) == (labels == 1)) {
        return savedProblemType;
      }
      return ProblemType.infer(labels);
    }

    /** The number of labels asked for, else the checkpoint classifier's rows, else 2. */
    private int labels(Pooling resolved) {
      if (numLabels != null) {
        return numLabels;
      }
      HostTensor saved =
          freshHead ? null : weights.get(config.modelType().headLayout().outputName(resolved) + ".weight");
      if (saved != null && saved.shape().length == 2 && saved.shape()[1] == config.hiddenSize()) {
        return (int) saved.shape()[0];
      }
      return 2;
    }

    /**
     * Builds the model on the chosen device (default the encoder's).
     *
     * @return a new model; close it
     * @throws CheckpointException when the checkpoint's classifier has another number of labels
     *     and {@link #freshHead} is off
     */
    public SequenceClassifier build() {
      ProblemType type = problemType();
      Pooling resolved;
      if (type.perToken()) {
        resolved = pooling == Pooling.AUTO ? Pooling.NONE : pooling;
      } else {
        resolved = resolve(pooling);
        if (resolved == Pooling.NONE && pooling == Pooling.AUTO) {
          resolved = config.modelType().defaultPooling(config, weights.keySet()); // a token model's body
        }
      }
      int numLabels = labels(resolved);
      if (!freshHead) {
        String name = config.modelType().headLayout().outputName(resolved) + ".weight";
        HostTensor existing = weights.get(name);
        if (existing != null && !existing.hasShape(numLabels, config.hiddenSize())) {
          throw new CheckpointException(
              source
                  + ": the checkpoint's "
                  + name
                  + " has shape "
                  + Arrays.toString(existing.shape())
                  + ", not ["
                  + numLabels
                  + ", "
                  + config.hiddenSize()
                  + "] for "
                  + numLabels
                  + " labels; use classifier().freshHead(true) to start a new head");
        }
      }
      SequenceClassifier model = new SequenceClassifier(
          config, weights, resolved, numLabels, type, freshHead, seed, target,
          tokenizerJson, maxLength, freshHead ? null : savedLabelNames, name);
      if (!freshHead && savedThresholds != null && savedThresholds.length == numLabels
          && model.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION) {
        model.decisionThresholds(savedThresholds);
      }
      return model;
    }
  }
}
