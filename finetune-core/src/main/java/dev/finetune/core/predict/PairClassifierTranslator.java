package dev.finetune.core.predict;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.finetune.core.model.SequenceClassifier;

/**
 * DJL's {@code Translator<String[], Classifications>} for sentence-pair models (paraphrase,
 * entailment, similarity): the input is the two texts, encoded with the tokenizer's pair template
 * as in training (token type ids for BERT-style models, the double separator for RoBERTa-style
 * ones); the output is as {@link ClassifierTranslator}'s (a regression head's value for STS-B).
 * {@link ClassifierTranslatorFactory} makes it when the Criteria's input type is {@code String[]}
 * ({@link DjlModels#pairCriteria}).
 *
 * <pre>{@code
 * try (ZooModel<String[], Classifications> m = DjlModels.pairCriteria(dir).build().loadModel();
 *     ai.djl.inference.Predictor<String[], Classifications> p = m.newPredictor()) {
 *   p.predict(new String[] {"A man eats.", "Someone is eating."}).best().getProbability();
 * }
 * }</pre>
 */
public final class PairClassifierTranslator
    implements NoBatchifyTranslator<String[], Classifications> {

  private final SequenceClassifier model;

  /**
   * A translator for a model with a tokenizer.
   *
   * @param model the model the DJL predictor runs
   */
  public PairClassifierTranslator(SequenceClassifier model) {
    this.model = model;
    model.tokenizer(); // fails now, naming the problem, when the model has none
  }

  @Override
  public NDList processInput(TranslatorContext ctx, String[] input) {
    if (input == null || input.length != 2 || input[0] == null || input[1] == null) {
      throw new IllegalArgumentException("a sentence pair is two non-null texts {first, second},"
          + " got " + (input == null ? "null" : java.util.Arrays.toString(input)));
    }
    return ClassifierTranslator.inputs(ctx.getNDManager(),
        model.tokenizer().encode(input[0], input[1]));
  }

  @Override
  public Classifications processOutput(TranslatorContext ctx, NDList list) {
    return ClassifierTranslator.classifications(model, list);
  }

  @Override
  public Batchifier getBatchifier() {
    return null;
  }
}
