package dev.finetune.core.train;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.data.BatchIterator;
import dev.finetune.core.data.Batches;
import dev.finetune.core.data.EncodedBatch;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.metrics.ValidationMetrics;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.model.SequenceClassifier;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Text data for the loop: a {@link TextDataset} tokenised batch by batch by {@link Batches}
 * (shuffled and optionally bucketed for training, in order with bucketing for evaluation), scored
 * by {@link ValidationMetrics} as the head's problem type says.
 *
 * <pre>{@code
 * RunData dev = TextData.evaluation(validation, tokenizer, config, model);
 * }</pre>
 */
final class TextData implements RunData {

  private static final Logger LOG = LoggerFactory.getLogger(TextData.class);

  private final TextDataset data;
  private final Batches batches;
  private final SequenceClassifier model;
  private final TrainingConfig config;

  private TextData(TextDataset data, Batches batches, SequenceClassifier model,
      TrainingConfig config) {
    this.data = data;
    this.batches = batches;
    this.model = model;
    this.config = config;
  }

  static TextData training(TextDataset data, HuggingFaceTokenizer tokenizer,
      TrainingConfig config, SequenceClassifier model) {
    return new TextData(data, builder(tokenizer, config, model).shuffle(config.seed())
        .bucketing(config.bucketing()).build(), model, config);
  }

  static TextData evaluation(TextDataset data, HuggingFaceTokenizer tokenizer,
      TrainingConfig config, SequenceClassifier model) {
    return new TextData(data, builder(tokenizer, config, model).noShuffle().bucketing(50).build(),
        model, config);
  }

  private static Batches.Builder builder(HuggingFaceTokenizer tokenizer, TrainingConfig config,
      SequenceClassifier model) {
    return Batches.builder(tokenizer)
        .batchSize(config.batchSize())
        .maxLength(config.maxLength())
        .truncation(config.get(TrainingSettings.TRUNCATION))
        .padId(model.config().padTokenId())
        .device(model.device());
  }

  @Override
  public String name() {
    return data.name();
  }

  @Override
  public boolean isEmpty() {
    return data.isEmpty();
  }

  @Override
  public int batchesPerEpoch() {
    return batches.batchesPerEpoch(data);
  }

  @Override
  public Stream batches(NDManager manager, int epoch, int startBatch) {
    BatchIterator iterator = batches.iterator(data, manager, epoch, startBatch);
    return Stream.of(iterator, iterator::close);
  }

  @Override
  public Loss prepare(Loss loss) {
    return loss.prepare(data);
  }

  @Override
  public Evaluation evaluation(boolean heldOut) {
    ValidationMetrics.Builder metrics = ValidationMetrics.builder(model.problemType(),
            model.numLabels())
        .threshold(config.get(TrainingSettings.THRESHOLD))
        .tuneThresholds(config.get(TrainingSettings.TUNE_THRESHOLDS))
        .user(config.metrics());
    if (heldOut && model.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION) {
      metrics.thresholds(model.decisionThresholds());
    }
    ValidationMetrics accumulator = metrics.build();
    return new Evaluation() {
      @Override
      public void add(EncodedBatch batch, NDArray logits) {
        accumulator.add(logits, batch.labels());
      }

      @Override
      public void addLoss(double meanLoss, long rows) {
        accumulator.addLoss(meanLoss, rows);
      }

      @Override
      public Map<String, Double> results() {
        Map<String, Double> out = accumulator.results();
        if (accumulator.tunedThresholds() != null) {
          LOG.info("per-label thresholds tuned on {}: {}", data.name(),
              Arrays.toString(accumulator.tunedThresholds()));
        }
        return out;
      }

      @Override
      public double[] tunedThresholds() {
        return accumulator.tunedThresholds();
      }
    };
  }

  @Override
  public String identity() {
    return RunFingerprint.identity(data);
  }
}
