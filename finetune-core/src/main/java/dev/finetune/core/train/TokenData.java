package dev.finetune.core.train;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.data.EncodedBatch;
import dev.finetune.core.data.TokenBatch;
import dev.finetune.core.data.TokenBatches;
import dev.finetune.core.data.tokens.TokenAligner;
import dev.finetune.core.data.tokens.TokenAlignment;
import dev.finetune.core.data.tokens.TokenDataset;
import dev.finetune.core.data.tokens.TokenWindow;
import dev.finetune.core.metrics.EntityMetrics;
import dev.finetune.core.metrics.MetricAccumulator;
import dev.finetune.core.model.SequenceClassifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Token-classification data for the loop: a {@link TokenDataset} aligned once to sub-word windows
 * ({@link TokenAligner}: first sub-word labelled, -100 elsewhere; long sentences truncated and
 * counted, or cut into sliding windows with the {@code stride} setting), batched by
 * {@link TokenBatches} (shuffled and optionally bucketed for training; in order, bucketed by 50
 * batches, for evaluation). Evaluation takes the argmax tag of every token, maps it back to one tag
 * per word through the alignment and scores the words as seqeval does ({@link EntityMetrics}):
 * {@value #F1} (entity micro F1, the main metric), {@value #PRECISION}, {@value #RECALL},
 * {@value #ACCURACY} (word-level tag accuracy) and {@code f1_<TYPE>} per entity type.
 *
 * <pre>{@code
 * RunData dev = TokenData.evaluation(conll.validation(), tokenizer, config, model);
 * }</pre>
 */
final class TokenData implements RunData {

  /** Entity micro F1. */
  static final String F1 = "f1";
  /** Entity micro precision. */
  static final String PRECISION = "precision";
  /** Entity micro recall. */
  static final String RECALL = "recall";
  /** Word-level tag accuracy. */
  static final String ACCURACY = "accuracy";
  /** Prefix of the per-type F1 metrics. */
  static final String TYPE_F1_PREFIX = "f1_";

  private final TokenDataset data;
  private final TokenAlignment alignment;
  private final TokenBatches batches;

  private TokenData(TokenDataset data, TokenAlignment alignment, TokenBatches batches) {
    this.data = data;
    this.alignment = alignment;
    this.batches = batches;
  }

  static TokenData training(TokenDataset data, HuggingFaceTokenizer tokenizer,
      TrainingConfig config, SequenceClassifier model) {
    return new TokenData(data, aligner(tokenizer, config).align(data),
        builder(config, model).shuffle(config.seed()).bucketing(config.bucketing()).build());
  }

  static TokenData evaluation(TokenDataset data, HuggingFaceTokenizer tokenizer,
      TrainingConfig config, SequenceClassifier model) {
    return new TokenData(data, aligner(tokenizer, config).align(data),
        builder(config, model).bucketing(50).build()); // in order, sorted within 50 batches
  }

  private static TokenAligner aligner(HuggingFaceTokenizer tokenizer, TrainingConfig config) {
    TokenAligner.Builder aligner = TokenAligner.builder(tokenizer).maxLength(config.maxLength());
    int stride = config.get(TrainingSettings.STRIDE);
    if (stride > 0) {
      if (stride >= config.maxLength() - 2) {
        throw new IllegalArgumentException("stride " + stride + " must be below max_length - 2 ("
            + (config.maxLength() - 2) + "): windows overlap by fewer tokens than they hold");
      }
      aligner.stride(stride);
    }
    return aligner.build();
  }

  private static TokenBatches.Builder builder(TrainingConfig config, SequenceClassifier model) {
    return TokenBatches.builder()
        .batchSize(config.batchSize())
        .padId(model.config().padTokenId())
        .device(model.device());
  }

  @Override
  public String name() {
    return data.name();
  }

  @Override
  public boolean isEmpty() {
    return data.size() == 0;
  }

  @Override
  public int batchesPerEpoch() {
    return batches.batchesPerEpoch(alignment);
  }

  @Override
  public Stream batches(NDManager manager, int epoch, int startBatch) {
    Iterator<TokenBatch> iterator = batches.iterator(alignment, manager, epoch, startBatch);
    return Stream.of(iterator, () -> { }); // batches are built on demand; each closes its own manager
  }

  @Override
  public Loss prepare(Loss loss) {
    return loss;
  }

  @Override
  public Evaluation evaluation(boolean heldOut) {
    List<int[]> predictions = new ArrayList<>(Collections.nCopies(alignment.windows().size(), null));
    Map<TokenWindow, Integer> index = new java.util.IdentityHashMap<>();
    for (int i = 0; i < alignment.windows().size(); i++) {
      index.put(alignment.windows().get(i), i);
    }
    double[] loss = new double[2];
    return new Evaluation() {
      @Override
      public void add(EncodedBatch batch, NDArray logits) {
        List<TokenWindow> windows = ((TokenBatch) batch).windows();
        long[] tags;
        try (NDArray argmax = logits.argMax(2)) {
          tags = argmax.toLongArray();
        }
        int width = batch.paddedLength();
        for (int r = 0; r < windows.size(); r++) {
          TokenWindow window = windows.get(r);
          int[] row = new int[window.length()];
          for (int t = 0; t < row.length; t++) {
            row[t] = (int) tags[r * width + t];
          }
          predictions.set(index.get(window), row);
        }
      }

      @Override
      public void addLoss(double meanLoss, long rows) {
        loss[0] += meanLoss * rows;
        loss[1] += rows;
      }

      @Override
      public Map<String, Double> results() {
        EntityMetrics.Result result = score(data, alignment, predictions);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(F1, result.f1());
        out.put(PRECISION, result.precision());
        out.put(RECALL, result.recall());
        out.put(ACCURACY, result.accuracy());
        data.tags().types().forEach(type -> out.put(TYPE_F1_PREFIX + type,
            result.perType().containsKey(type) ? result.perType().get(type).f1() : 0.0));
        if (loss[1] > 0) {
          out.put(MetricAccumulator.LOSS, loss[0] / loss[1]);
        }
        return Collections.unmodifiableMap(out);
      }
    };
  }

  /** Word tags from per-window token predictions, scored against the data's gold tags. */
  static EntityMetrics.Result score(TokenDataset data, TokenAlignment alignment,
      List<int[]> predictions) {
    List<int[]> words = alignment.toWords(predictions);
    EntityMetrics metrics = new EntityMetrics();
    for (int i = 0; i < data.size(); i++) {
      metrics.add(data.tags().names(data.get(i).tags()), data.tags().names(words.get(i)));
    }
    return metrics.result();
  }

  @Override
  public String identity() {
    return RunFingerprint.identity(data);
  }
}
