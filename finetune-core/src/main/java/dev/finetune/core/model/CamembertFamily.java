package dev.finetune.core.model;

/**
 * CamemBERT ({@code model_type} {@code camembert}): RoBERTa's architecture, config defaults, positions,
 * head and {@code roberta.} checkpoint prefix under its own name, with a SentencePiece (Unigram)
 * {@code tokenizer.json}. Registered in {@link ModelTypes}; look it up by name.
 *
 * <pre>{@code
 * ModelType t = ModelType.fromHf("camembert");
 * t.sequenceClassificationArchitecture();   // "CamembertForSequenceClassification"
 * t.checkpointPrefix();                     // "roberta."
 * }</pre>
 */
public final class CamembertFamily extends RobertaFamily {

  /** Creates the family (the registry holds one instance; {@link ModelTypes#fromHf} finds it). */
  public CamembertFamily() {
    super("camembert", "CamembertForSequenceClassification");
  }
}
