package dev.finetune.core.model;

/**
 * How an architecture family numbers token positions (the rows of the position-embedding table).
 *
 * <pre>{@code
 * PositionIds p = ModelType.ROBERTA.positionIds();   // PADDING_AWARE
 * p.firstPosition(1);                                // 2
 * }</pre>
 */
public enum PositionIds {
  /** BERT: positions 0..T-1, padding included. */
  SEQUENTIAL,
  /**
   * RoBERTa (Hugging Face {@code create_position_ids_from_input_ids}): real tokens count up from
   * {@code pad_token_id + 1}, skipping padding; padding tokens get {@code pad_token_id}.
   */
  PADDING_AWARE;

  /**
   * The position of the first real token: table rows before it are never used by real tokens.
   *
   * @param padTokenId the configuration's {@code pad_token_id}
   * @return 0, or {@code pad_token_id + 1} when padding-aware
   */
  public int firstPosition(int padTokenId) {
    return this == PADDING_AWARE ? padTokenId + 1 : 0;
  }

  /**
   * Tells whether positions depend on where the padding tokens are.
   *
   * @return true for {@link #PADDING_AWARE}
   */
  public boolean paddingAware() {
    return this == PADDING_AWARE;
  }
}
