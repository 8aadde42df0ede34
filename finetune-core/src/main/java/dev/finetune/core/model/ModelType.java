package dev.finetune.core.model;

import dev.finetune.core.checkpoint.CheckpointException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The encoder architectures this library builds, by their Hugging Face {@code model_type}.
 *
 * <p>They share one implementation and differ in position ids: BERT numbers positions 0..T-1;
 * RoBERTa starts at {@code pad_token_id + 1} and gives padding tokens the padding position.
 *
 * <pre>{@code
 * ModelType t = ModelType.fromHf("roberta");
 * t.checkpointPrefix();  // "roberta."
 * }</pre>
 */
public enum ModelType {
  /** BERT (also MiniLM and other BERT-architecture models). */
  BERT("bert"),
  /** RoBERTa. */
  ROBERTA("roberta");

  private final String hfName;

  ModelType(String hfName) {
    this.hfName = hfName;
  }

  /**
   * The Hugging Face {@code model_type}.
   *
   * @return e.g. {@code bert}
   */
  public String hfName() {
    return hfName;
  }

  /**
   * The prefix {@code *ForSequenceClassification} checkpoints put before encoder weights.
   *
   * @return e.g. {@code bert.}
   */
  public String checkpointPrefix() {
    return hfName + ".";
  }

  /**
   * Parses a Hugging Face {@code model_type}.
   *
   * @param modelType the value from {@code config.json}
   * @return the type
   * @throws CheckpointException when the type is not supported
   */
  public static ModelType fromHf(String modelType) {
    String wanted = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
    for (ModelType t : values()) {
      if (t.hfName.equals(wanted)) {
        return t;
      }
    }
    throw new CheckpointException(
        "config.json: model_type \""
            + modelType
            + "\" is not supported; supported: "
            + Arrays.stream(values()).map(ModelType::hfName).toList()
            + " (BERT-architecture models such as MiniLM use \"bert\")");
  }
}
