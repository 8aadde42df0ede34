package dev.finetune.core.predict;

import dev.finetune.core.model.ProblemType;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.Batchifier;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.finetune.core.model.SequenceClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * DJL's {@code Translator<String, Classifications>} for a {@link SequenceClassifier}: tokenises a
 * text with the model's tokenizer (truncated to its max length), and turns the logits into
 * {@link Classifications} with the model's label names and its {@link ProblemType}'s scores: the
 * softmax probabilities of a single-label head; a {@link MultiLabelClassifications} with each
 * label's sigmoid probability and the model's decision thresholds for a multi-label head; one
 * entry holding the predicted value (as its "probability") for a regression head. DJL's predictor
 * runs the forward pass. {@link PairClassifierTranslator} does the same for sentence pairs.
 *
 * <p>Loaded through {@link ClassifierTranslatorFactory} when a folder comes in by DJL's
 * {@code Criteria} (see {@link DjlModels#criteria}); made by hand for a model in memory:
 *
 * <pre>{@code
 * try (Model m = Model.newInstance("clf")) {
 *   m.setBlock(classifier);
 *   try (ai.djl.inference.Predictor<String, Classifications> p =
 *       m.newPredictor(new ClassifierTranslator(classifier))) {
 *     p.predict("a gripping film").best().getClassName();
 *   }
 * }
 * }</pre>
 */
public final class ClassifierTranslator implements NoBatchifyTranslator<String, Classifications> {

  private final SequenceClassifier model;

  /**
   * A translator for a model with a tokenizer.
   *
   * @param model the model the DJL predictor runs
   */
  public ClassifierTranslator(SequenceClassifier model) {
    this.model = model;
    model.tokenizer(); // fails now, naming the problem, when the model has none
  }

  @Override
  public NDList processInput(TranslatorContext ctx, String input) {
    if (input == null) {
      throw new NullPointerException("the text is null; pass \"\" for an empty text");
    }
    return inputs(ctx.getNDManager(), model.tokenizer().encode(input));
  }

  @Override
  public Classifications processOutput(TranslatorContext ctx, NDList list) {
    return classifications(model, list);
  }

  /** The model's outputs for one input as DJL classifications (see the class doc). */
  static Classifications classifications(SequenceClassifier model, NDList list) {
    float[] logits = list.singletonOrThrow().toFloatArray();
    ProblemType kind = model.problemType();
    float[] scores = kind.scores(logits);
    List<Double> probabilities = new ArrayList<>(scores.length);
    for (float s : scores) {
      probabilities.add((double) s);
    }
    return kind == ProblemType.MULTI_LABEL_CLASSIFICATION
        ? new MultiLabelClassifications(model.labelNames(), probabilities,
            model.decisionThresholds())
        : new Classifications(model.labelNames(), probabilities);
  }

  /** The encoded input as the model's three (1, T) inputs. */
  static NDList inputs(NDManager m, Encoding e) {
    return new NDList(
        m.create(new long[][] {e.getIds()}),
        m.create(new long[][] {e.getAttentionMask()}),
        m.create(new long[][] {e.getTypeIds()}));
  }

  @Override
  public Batchifier getBatchifier() {
    return null;
  }
}
