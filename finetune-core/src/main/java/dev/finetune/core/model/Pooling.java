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
   * The pooling a checkpoint saved by this library records, else the family's
   * {@link ModelType#defaultPooling}: for BERT {@link #CLS_POOLER} when the checkpoint carries
   * pooler weights, {@link #MEAN} otherwise (MiniLM sentence-embedding models have no pooler);
   * for RoBERTa always {@link #CLS_POOLER}.
   */
  AUTO,
  /**
   * Hugging Face's {@code *ForSequenceClassification}, as the family's {@link HeadLayout} says:
   * for BERT the first token's state through the pooler (dense + tanh, {@code pooler.dense.*}),
   * dropout, {@code classifier.*}; for RoBERTa dropout, {@code classifier.dense} + tanh, dropout,
   * {@code classifier.out_proj}.
   */
  CLS_POOLER,
  /** Mean of the real tokens' states (sentence-transformers), dropout, {@code classifier.*}. */
  MEAN,
  /**
   * No pooling: every token's state, dropout, {@code classifier.*} (Hugging Face's
   * {@code *ForTokenClassification}); the pooling of token-classification heads, and only theirs.
   */
  NONE;

  /**
   * The value written to {@code config.json} as {@code finetune_pooling}.
   *
   * @return lower-case name
   */
  public String configValue() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
