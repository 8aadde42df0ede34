package dev.finetune.core.model;

/**
 * How the classification head turns the last hidden state into one vector per input.
 *
 * <pre>{@code
 * encoder.forSequenceClassification(2, Pooling.MEAN);
 * }</pre>
 */
public enum Pooling {
  /**
   * {@link #CLS_POOLER} when the checkpoint carries pooler weights (or was saved with that
   * pooling), {@link #MEAN} otherwise (MiniLM sentence-embedding models have no pooler).
   */
  AUTO,
  /**
   * Hugging Face's {@code *ForSequenceClassification}: the first token's state through the
   * pooler (dense + tanh, {@code pooler.dense.*}), dropout, {@code classifier.*}. For RoBERTa:
   * dropout, {@code classifier.dense} + tanh, dropout, {@code classifier.out_proj}.
   */
  CLS_POOLER,
  /** Mean of the real tokens' states (sentence-transformers), dropout, {@code classifier.*}. */
  MEAN;

  /**
   * The value written to {@code config.json} as {@code finetune_pooling}.
   *
   * @return lower-case name
   */
  public String configValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
