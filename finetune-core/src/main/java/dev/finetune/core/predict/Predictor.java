package dev.finetune.core.predict;

import dev.finetune.core.model.ProblemType;
import ai.djl.Device;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.finetune.core.data.tokens.EntitySpans;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.data.BatchIterator;
import dev.finetune.core.data.Batches;
import dev.finetune.core.data.TextBatch;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.data.Truncation;
import dev.finetune.core.method.MethodCheckpoint;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.InferenceWeights;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.PretrainedEncoder;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.NoGradScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers questions with a trained model: labels, probabilities, top k or values for texts and
 * text pairs, or entity spans for raw texts ({@link #entities(String)}, token-classification
 * models), from a model in memory or from a saved folder (a whole or merged model, or an
 * adapter folder with its base).
 *
 * <p>Each call tokenises its texts (truncated to {@link Builder#maxLength max length} by the
 * {@link Truncation} strategy), sorts them by token count, cuts them into batches padded to their
 * own longest row ({@link Batches#iteratorByTokenCount}), runs the forward pass without gradients
 * on the model's device and returns the answers in the input order. The answers equal the
 * evaluation path's ({@code TrainingRun.evaluate}): the same tokenisation, truncation and
 * evaluation forward, the label the largest logit's; logits can differ from an evaluation pass
 * over other batches by float rounding only (a row's padding changes the kernels' blocking).
 * A {@link Builder#frozen() frozen} predictor fuses the weights once ({@link InferenceWeights}:
 * query/key/value in one product, and on the CPU each BERT-shaped layer as one call of libtorch's
 * oneDNN kernels with packed weights, ≈ 1.5-1.7× the eager rate at batch 8-32, one more copy of the
 * encoder's matrices in memory): faster, within ≈ 1e-6 of the unfused logits and with the same labels on the tests' data, but
 * not bit for bit; the default reads the weights as they are (save, load and predict give
 * bit-identical logits).
 *
 * <p><b>Thread safety:</b> a predictor is safe to share between threads. A call only reads the
 * weights; it opens its own sub-manager of the model's manager and its own no-grad scope (autograd
 * mode is per thread), and the tokenizer is thread-safe. Do not train or change the model while
 * predictions run; set {@link #decisionThresholds(double[]) decision thresholds} before sharing.
 *
 * <p>What an answer holds follows the model's {@link ProblemType}: softmax probabilities and the
 * best label for single-label heads; sigmoid probabilities and {@link Prediction#labels() the
 * labels over their decision thresholds} for multi-label heads (the thresholds saved with the
 * model, {@code finetune_thresholds}, unless set here); the value for regression heads.
 *
 * <p>Input rules: {@code null} texts are refused (naming the position); an empty text is a valid
 * input (it is encoded as the special tokens alone); a text of any length is truncated to the
 * maximum length, never an error.
 *
 * <pre>{@code
 * try (Predictor p = Predictor.load(Path.of("runs/sst2-model"))) {
 *   Prediction one = p.predict("a gripping film");
 *   one.label();                                    // "positive"
 *   p.predict(List.of("dull", "superb")).get(1).topK(2);
 *   p.predictPair("A man is eating.", "Someone eats.");
 * }
 * // an adapter with its base (recorded in adapter_config.json, or named):
 * Predictor.loader().base(Path.of("models/minilm")).batchSize(64).load(Path.of("runs/lora"));
 * // a model in memory (not closed by the predictor):
 * Predictor.builder(model).maxLength(64).build().predict("fine");
 * }</pre>
 */
public final class Predictor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Predictor.class);

  /** Default number of texts per forward pass. */
  public static final int DEFAULT_BATCH_SIZE = 32;

  private final SequenceClassifier model;
  private final boolean ownsModel;
  private final Batches batches;
  private final ProblemType problemType;
  private volatile double[] thresholds;
  private final int batchSize;
  private final int maxLength;
  private final InferenceWeights fused;

  private Predictor(SequenceClassifier model, boolean ownsModel, boolean frozen, int batchSize,
      int maxLength, Truncation truncation) {
    this.model = model;
    this.ownsModel = ownsModel;
    this.problemType = model.problemType();
    this.batchSize = batchSize;
    this.maxLength = maxLength;
    this.batches = Batches.builder(model.tokenizer())
        .batchSize(batchSize)
        .maxLength(maxLength)
        .truncation(truncation)
        .noShuffle()
        .padId(model.config().padTokenId())
        .device(model.device())
        .prefetch(0)
        .build();
    this.fused = frozen ? InferenceWeights.of(model) : null;
  }

  /** One evaluation pass: with the fused weights of a frozen model, else the model's own. */
  private NDArray logits(NDList inputs) {
    return (fused != null ? model.forwardForPrediction(inputs, fused)
        : model.forward(inputs, false)).singletonOrThrow();
  }

  /**
   * A predictor with default options over a model in memory; the model stays the caller's.
   *
   * @param model a model with a tokenizer
   * @return the predictor
   */
  public static Predictor of(SequenceClassifier model) {
    return builder(model).build();
  }

  /**
   * Configures a predictor over a model in memory.
   *
   * @param model a model with a tokenizer; the predictor does not close it
   * @return a builder
   */
  public static Builder builder(SequenceClassifier model) {
    return new Builder(Objects.requireNonNull(model, "model"));
  }

  /**
   * Loads a saved folder with default options ({@link #loader()}).
   *
   * @param dir a model folder ({@code config.json}, weights, {@code tokenizer.json}) or an
   *     adapter folder whose {@code base_model_name_or_path} names its base
   * @return a predictor that owns (and closes) the model
   */
  public static Predictor load(Path dir) {
    return loader().load(dir);
  }

  /**
   * Configures loading a predictor from disk.
   *
   * @return a loader: CPU, batch size {@value #DEFAULT_BATCH_SIZE}, the model's max length
   */
  public static Loader loader() {
    return new Loader();
  }

  /**
   * Predicts one text.
   *
   * @param text the text (not null; may be empty)
   * @return the answer
   */
  public Prediction predict(String text) {
    return predict(List.of(Objects.requireNonNull(text, "text must not be null"))).get(0);
  }

  /**
   * Predicts a sentence pair (entailment, paraphrase, similarity...), encoded with the tokenizer's
   * pair template as in training.
   *
   * @param text the first text
   * @param pair the second text
   * @return the answer
   */
  public Prediction predictPair(String text, String pair) {
    return predictPairs(List.of(text), List.of(pair)).get(0);
  }

  /**
   * Predicts texts, in batches.
   *
   * @param texts the texts
   * @return one answer per text, in the same order
   * @throws NullPointerException naming the position of a null text
   */
  public List<Prediction> predict(List<String> texts) {
    Objects.requireNonNull(texts, "texts");
    List<TextExample> examples = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      examples.add(TextExample.of(nonNull(texts.get(i), "text", i), 0));
    }
    return run(examples);
  }

  /**
   * Predicts sentence pairs, in batches.
   *
   * @param texts the first texts
   * @param pairs the second texts, as many
   * @return one answer per pair, in the same order
   */
  public List<Prediction> predictPairs(List<String> texts, List<String> pairs) {
    if (texts.size() != pairs.size()) {
      throw new IllegalArgumentException(
          texts.size() + " texts but " + pairs.size() + " second texts; give one per text");
    }
    List<TextExample> examples = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      examples.add(TextExample.pair(
          nonNull(texts.get(i), "text", i), nonNull(pairs.get(i), "second text", i), 0));
    }
    return run(examples);
  }

  /**
   * Predicts the examples of a data set (their labels are ignored), as evaluation sees them.
   *
   * @param data the data
   * @return one answer per example, in the data set's order
   */
  public List<Prediction> predict(TextDataset data) {
    List<TextExample> examples = new ArrayList<>(data.size());
    for (TextExample e : data) {
      examples.add(e.hasPair() ? TextExample.pair(e.text(), e.textPair(), 0)
          : TextExample.of(e.text(), 0));
    }
    return run(examples);
  }

  private static String nonNull(String text, String what, int index) {
    if (text == null) {
      throw new NullPointerException(what + " " + index + " is null; pass \"\" for an empty text");
    }
    return text;
  }

  /**
   * The entities a token-classification model finds in a raw text: type, score (the mean
   * probability of its words' tags) and character range in {@code text}. The text is split by the
   * tokenizer (its offsets give the ranges); each word takes the tag of its first sub-word. Text
   * beyond the max length gets no entities.
   *
   * <pre>{@code
   * try (Predictor ner = Predictor.load(Path.of("runs/conll2003-model"))) {
   *   ner.entities("Angela Merkel visited Paris");  // [PER 0..13 "angela merkel", LOC 22..27]
   * }
   * }</pre>
   *
   * @param text the text
   * @return the entities in text order
   * @throws IllegalStateException when the model has no token-classification head
   */
  public List<EntitySpans.EntitySpan> entities(String text) {
    return entities(List.of(Objects.requireNonNull(text, "text must not be null"))).get(0);
  }

  /**
   * The entities of each text, as {@link #entities(String)}, in batches of similar length.
   *
   * @param texts the texts
   * @return one list of entities per text, in input order
   * @throws IllegalStateException when the model has no token-classification head
   */
  public List<List<EntitySpans.EntitySpan>> entities(List<String> texts) {
    if (!problemType.perToken()) {
      throw new IllegalStateException("entities(...) needs a token-classification model, but this"
          + " one's head is " + problemType + "; use predict(...)");
    }
    int n = texts.size();
    Encoding[] encodings = new Encoding[n];
    for (int i = 0; i < n; i++) {
      encodings[i] = model.tokenizer().encode(nonNull(texts.get(i), "text", i));
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt((Integer i) -> -encodings[i].getIds().length));
    List<List<EntitySpans.EntitySpan>> out = new ArrayList<>(Collections.nCopies(n, null));
    List<String> names = model.labelNames();
    int width = model.numLabels();
    try (NoGradScope ignored = NoGradScope.enter();
        NDManager scope = model.manager().newSubManager()) {
      for (int from = 0; from < n; from += batchSize) {
        int rows = Math.min(batchSize, n - from);
        int length = Math.min(maxLength, encodings[order[from]].getIds().length);
        long[] ids = new long[rows * length];
        long[] mask = new long[rows * length];
        long[] types = new long[rows * length];
        Arrays.fill(ids, model.config().padTokenId());
        for (int r = 0; r < rows; r++) {
          Encoding e = encodings[order[from + r]];
          int kept = Math.min(length, e.getIds().length);
          System.arraycopy(e.getIds(), 0, ids, r * length, kept);
          System.arraycopy(e.getTypeIds(), 0, types, r * length, kept);
          Arrays.fill(mask, r * length, r * length + kept, 1L);
        }
        try (NDManager batch = scope.newSubManager()) {
          Shape shape = new Shape(rows, length);
          float[] logits = logits(new NDList(batch.create(ids, shape),
              batch.create(mask, shape), batch.create(types, shape))).toFloatArray();
          for (int r = 0; r < rows; r++) {
            int index = order[from + r];
            Encoding e = encodings[index];
            int kept = Math.min(length, e.getIds().length);
            List<String> tags = new ArrayList<>(kept);
            double[] scores = new double[kept];
            for (int t = 0; t < kept; t++) {
              int offset = (r * length + t) * width;
              float[] p = problemType.scores(Arrays.copyOfRange(logits, offset, offset + width));
              int best = 0;
              for (int c = 1; c < width; c++) {
                best = p[c] > p[best] ? c : best;
              }
              tags.add(names.get(best));
              scores[t] = p[best];
            }
            out.set(index, spans(texts.get(index), e, kept, tags, scores));
          }
        }
      }
    }
    return List.copyOf(out);
  }

  /** Spans from the first {@code kept} tokens of an encoding (the rest were cut). */
  private static List<EntitySpans.EntitySpan> spans(String text, Encoding e, int kept,
      List<String> tags, double[] scores) {
    CharSpan[] offsets = e.getCharTokenSpans();
    int[] starts = new int[kept];
    int[] ends = new int[kept];
    for (int t = 0; t < kept; t++) {
      starts[t] = offsets[t] == null ? -1 : offsets[t].getStart();
      ends[t] = offsets[t] == null ? -1 : offsets[t].getEnd();
    }
    return EntitySpans.fromSubwords(text, Arrays.copyOf(e.getWordIds(), kept), starts, ends,
        tags, scores);
  }

  private List<Prediction> run(List<TextExample> examples) {
    if (problemType.perToken()) {
      throw new IllegalStateException("this model tags tokens (" + problemType + "); ask it for"
          + " entities(text) instead of predict(text)");
    }
    int n = examples.size();
    if (n == 0) {
      return List.of();
    }
    TextDataset data = TextDataset.of("predict", examples, model.labelNames());
    Prediction[] out = new Prediction[n];
    List<String> names = model.labelNames();
    double[] thresholds = decisionThresholds();
    try (NoGradScope ignored = NoGradScope.enter();
        NDManager scope = model.manager().newSubManager();
        BatchIterator it = batches.iteratorByTokenCount(data, scope)) {
      while (it.hasNext()) {
        try (TextBatch batch = it.next()) {
          NDArray logits = logits(batch.modelInputs());
          float[] flat = logits.toFloatArray();
          int width = model.numLabels();
          int[] rows = batch.exampleIndices();
          for (int r = 0; r < rows.length; r++) {
            float[] row = Arrays.copyOfRange(flat, r * width, (r + 1) * width);
            out[rows[r]] =
                new Prediction(problemType, names, row, problemType.scores(row), thresholds);
          }
        }
      }
    }
    return List.of(out);
  }

  /**
   * The model answering.
   *
   * @return the model
   */
  public SequenceClassifier model() {
    return model;
  }

  /**
   * What the outputs mean.
   *
   * @return the problem type
   */
  public ProblemType problemType() {
    return problemType;
  }

  /**
   * The decision thresholds of a multi-label head: the model's ({@link
   * SequenceClassifier#decisionThresholds()}, as saved with it) unless set on this predictor.
   *
   * @return one per label; empty for other heads
   */
  public double[] decisionThresholds() {
    if (problemType != ProblemType.MULTI_LABEL_CLASSIFICATION) {
      return new double[0];
    }
    double[] own = thresholds;
    return own != null ? own.clone() : model.decisionThresholds();
  }

  /**
   * Decides multi-label answers with these thresholds instead of the model's (for example per-label
   * thresholds tuned on a development set); the model is not changed.
   *
   * <pre>{@code
   * predictor.decisionThresholds(MultiLabelMetrics.global(0.3, predictor.labelNames().size()));
   * }</pre>
   *
   * @param values one per label, each in (0, 1)
   * @return this predictor
   * @throws IllegalStateException for a head that is not multi-label
   */
  public Predictor decisionThresholds(double[] values) {
    if (problemType != ProblemType.MULTI_LABEL_CLASSIFICATION) {
      throw new IllegalStateException("decision thresholds belong to multi-label heads; this model"
          + " is " + problemType.hfName());
    }
    thresholds = SequenceClassifier.checkThresholds(values, model.numLabels());
    return this;
  }

  /**
   * The class names, index = class id.
   *
   * @return the model's label names
   */
  public List<String> labelNames() {
    return model.labelNames();
  }

  /**
   * Tells whether this predictor answers with weights fused when it was built ({@link
   * Builder#frozen()}, {@link Loader#frozen()}).
   *
   * @return true for a frozen predictor
   */
  public boolean isFrozen() {
    return fused != null;
  }

  /** Frees fused weights, and closes the model when this predictor loaded it. */
  @Override
  public void close() {
    if (fused != null) {
      fused.close();
    }
    if (ownsModel) {
      model.close();
    }
  }

  /**
   * Options of a predictor over a model in memory.
   *
   * <pre>{@code
   * Predictor p = Predictor.builder(model).batchSize(64).maxLength(128).build();
   * }</pre>
   */
  public static final class Builder {
    private final SequenceClassifier model;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int maxLength;
    private Truncation truncation = Truncation.LONGEST_FIRST;
    private boolean frozen;

    private Builder(SequenceClassifier model) {
      this.model = model;
      this.maxLength = model.maxLength();
    }

    /**
     * Sets the number of texts per forward pass (default {@value #DEFAULT_BATCH_SIZE}).
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder batchSize(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + value);
      }
      batchSize = value;
      return this;
    }

    /**
     * Sets the truncation length in tokens (default, and at most, the model's tokenizer length).
     *
     * @param value at least 2
     * @return this builder
     */
    public Builder maxLength(int value) {
      if (value < 2 || value > model.maxLength()) {
        throw new IllegalArgumentException("max length must be in [2, " + model.maxLength()
            + "] (the model's tokenizer length), got " + value);
      }
      maxLength = value;
      return this;
    }

    /**
     * Sets how over-long pairs are cut (default longest first, as in training).
     *
     * @param value the strategy
     * @return this builder
     */
    public Builder truncation(Truncation value) {
      truncation = Objects.requireNonNull(value, "truncation");
      return this;
    }

    /**
     * Promises that the model's weights do not change while this predictor is used (no further
     * training, no loading into it), so the predictor can fuse copies of them once
     * ({@link InferenceWeights}: query, key and value in one matrix product per layer; on the
     * CPU each BERT-shaped layer packed for libtorch's oneDNN kernels). Answers
     * then agree with an unfrozen predictor's within float rounding (≈ 1e-6), not bit for bit;
     * a method installed later still takes effect (its layers run unfused), but changed weight
     * values are not seen: build a new predictor after training more. Close the predictor to
     * free the copies. Default: not frozen, every call reads the model's weights.
     *
     * <pre>{@code
     * try (Predictor p = Predictor.builder(trained).frozen().build()) { ... }
     * }</pre>
     *
     * @return this builder
     */
    public Builder frozen() {
      frozen = true;
      return this;
    }

    /**
     * Builds the predictor; the model stays the caller's to close.
     *
     * @return the predictor
     * @throws IllegalStateException when the model has no tokenizer
     */
    public Predictor build() {
      return new Predictor(model, false, frozen, batchSize, maxLength, truncation);
    }
  }

  /**
   * Loads a predictor from a saved folder.
   *
   * <pre>{@code
   * Predictor.loader().device(Devices.parse("gpu")).maxLength(128).load(Path.of("runs/model"));
   * Predictor.loader().base(Path.of("models/bert")).load(Path.of("runs/lora-adapter"));
   * }</pre>
   */
  public static final class Loader {
    private Device device = Device.cpu();
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int maxLength;
    private Truncation truncation = Truncation.LONGEST_FIRST;
    private Path base;
    private boolean frozen;

    private Loader() {}

    /**
     * Sets the device (default CPU).
     *
     * @param value e.g. {@code Devices.parse("gpu:0")}
     * @return this loader
     */
    public Loader device(Device value) {
      device = Objects.requireNonNull(value, "device");
      return this;
    }

    /**
     * Sets the number of texts per forward pass.
     *
     * @param value at least 1
     * @return this loader
     */
    public Loader batchSize(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + value);
      }
      batchSize = value;
      return this;
    }

    /**
     * Sets the truncation length (default min(512, the model's positions)).
     *
     * @param value tokens
     * @return this loader
     */
    public Loader maxLength(int value) {
      if (value < 2) {
        throw new IllegalArgumentException("max length must be at least 2, got " + value);
      }
      maxLength = value;
      return this;
    }

    /**
     * Sets how over-long pairs are cut.
     *
     * @param value the strategy
     * @return this loader
     */
    public Loader truncation(Truncation value) {
      truncation = Objects.requireNonNull(value, "truncation");
      return this;
    }

    /**
     * Names the base model folder of an adapter (default: the adapter's recorded
     * {@code base_model_name_or_path}).
     *
     * @param dir the base model folder, or null for the recorded one
     * @return this loader
     */
    public Loader base(Path dir) {
      base = dir;
      return this;
    }

    /**
     * Fuses the loaded weights once for faster answers, as {@link Builder#frozen()} does (the
     * predictor owns its model, so nothing else changes them; logits within ≈ 1e-6 of an
     * unfrozen predictor's, not bit for bit). The {@code predict} command line does this.
     *
     * @return this loader
     */
    public Loader frozen() {
      frozen = true;
      return this;
    }

    /**
     * Loads a model folder, or an adapter folder onto its base.
     *
     * @param dir the folder
     * @return a predictor that owns the model
     * @throws CheckpointException when the folder is no model or adapter, or a file does not fit
     * @throws IllegalArgumentException when an adapter belongs to another base or pooling
     */
    public Predictor load(Path dir) {
      Objects.requireNonNull(dir, "dir");
      if (!Files.isDirectory(dir)) {
        throw new CheckpointException("model folder not found: " + dir.toAbsolutePath());
      }
      boolean adapter = MethodCheckpoint.isAdapterCheckpoint(dir);
      if (!adapter && !Files.isRegularFile(dir.resolve("config.json"))) {
        throw new CheckpointException(dir + " is not a model folder: it has neither config.json"
            + " (a saved model) nor " + MethodCheckpoint.CONFIG + " with "
            + MethodCheckpoint.WEIGHTS + " (an adapter); it holds " + listing(dir));
      }
      Encoders.Loader encoders = Encoders.loader().device(device);
      if (maxLength > 0) {
        encoders.maxLength(maxLength);
      }
      SequenceClassifier model = adapter ? adapterModel(encoders, dir) : wholeModel(encoders, dir);
      try {
        LOG.info("predicting with {} ({} labels {}) from {}", model.config(), model.numLabels(),
            model.labelNames(), dir);
        return new Predictor(model, true, frozen, batchSize, model.maxLength(), truncation);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }

    private SequenceClassifier wholeModel(Encoders.Loader encoders, Path dir) {
      PretrainedEncoder encoder = encoders.load(dir);
      List<String> names = encoder.savedLabelNames();
      // the kind config.json records (problem_type; absent: one output is regression, more
      // single-label, as Hugging Face infers it), with its decision thresholds
      ProblemType kind = encoder.savedProblemType().orElse(null);
      PretrainedEncoder.HeadBuilder head = kind == ProblemType.REGRESSION
          ? encoder.classifier().regression()
          : kind == ProblemType.TOKEN_CLASSIFICATION
              ? encoder.classifier().tokenClassification(names.isEmpty() ? 2 : names.size())
          : encoder.classifier().numLabels(names.isEmpty() ? 2 : names.size());
      SequenceClassifier model = head.build();
      List<String> fresh = model.freshParameters().stream()
          .filter(n -> n.startsWith("classifier.") || n.startsWith("pooler.")).toList();
      if (!fresh.isEmpty()) {
        model.close();
        throw new CheckpointException(dir + " has no trained classification head (missing "
            + fresh + "): it is a base encoder, not a fine-tuned model; predict with the model"
            + " saved after training, or pass the adapter folder with this folder as its base");
      }
      return model;
    }

    private SequenceClassifier adapterModel(Encoders.Loader encoders, Path dir) {
      MethodCheckpoint.SavedHead saved = MethodCheckpoint.savedHead(dir);
      if (saved.numLayers() > 0) {
        encoders.keepLayers(saved.numLayers()); // a base cut to its first layers, as in training
      }
      PretrainedEncoder encoder;
      if (base != null) {
        encoder = encoders.load(base);
      } else {
        String recorded = MethodCheckpoint.baseModel(dir).orElseThrow(() ->
            new CheckpointException(dir.resolve(MethodCheckpoint.CONFIG) + " records no "
                + MethodCheckpoint.BASE + "; name the base model folder (Predictor.loader()"
                + ".base(dir), or --model with --adapter)"));
        encoder = encoders.loadByName(recorded);
      }
      int outputs = saved.labelNames().isEmpty() ? 2 : saved.labelNames().size();
      PretrainedEncoder.HeadBuilder head = saved.regression() ? encoder.classifier().regression()
          : saved.tokenClassification() ? encoder.classifier().tokenClassification(outputs)
          : encoder.classifier().numLabels(outputs).problemType(saved.problemType());
      // the adapter's head decides the pooling: the base is built the way it was trained
      saved.pooling().ifPresent(p -> head.pooling(Pooling.valueOf(p.toUpperCase(Locale.ROOT))));
      SequenceClassifier model = head.freshHead(true).build();
      try {
        MethodCheckpoint.load(model, dir);
        return model;
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }

    private static String listing(Path dir) {
      try (Stream<Path> files = Files.list(dir)) {
        List<String> names = files.map(p -> p.getFileName().toString()).sorted().limit(10).toList();
        return names.isEmpty() ? "no files" : names.toString();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
  }
}
