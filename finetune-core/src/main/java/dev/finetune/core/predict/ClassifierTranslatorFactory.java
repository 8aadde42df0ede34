package dev.finetune.core.predict;

import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import dev.finetune.core.model.SequenceClassifier;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * DJL's {@link TranslatorFactory} for models this library saved: the block DJL loaded (by
 * {@link ClassifierBlockFactory}) must be a {@link SequenceClassifier}; the translator is a
 * {@link ClassifierTranslator} over it for {@code String} inputs, a {@link
 * PairClassifierTranslator} for sentence pairs ({@code String[]} of two texts).
 *
 * <pre>{@code
 * Criteria.builder().setTypes(String.class, Classifications.class).optModelPath(dir)
 *     .optTranslatorFactory(new ClassifierTranslatorFactory())...;
 * Criteria.builder().setTypes(String[].class, Classifications.class)...;   // pairs
 * }</pre>
 */
public final class ClassifierTranslatorFactory implements TranslatorFactory {

  /** Creates the factory (DJL may instantiate it by class name). */
  public ClassifierTranslatorFactory() {}

  @Override
  public Set<Pair<Type, Type>> getSupportedTypes() {
    return Set.of(new Pair<>(String.class, Classifications.class),
        new Pair<>(String[].class, Classifications.class));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <I, O> Translator<I, O> newInstance(
      Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
      throws TranslateException {
    if (!isSupported(input, output)) {
      throw new IllegalArgumentException("ClassifierTranslatorFactory translates String (a text)"
          + " or String[] (a sentence pair) to Classifications, not " + input.getSimpleName()
          + " to " + output.getSimpleName());
    }
    if (!(model.getBlock() instanceof SequenceClassifier classifier)) {
      throw new TranslateException("the model's block is "
          + (model.getBlock() == null ? "missing" : model.getBlock().getClass().getName())
          + ", not a SequenceClassifier: load the folder with DjlModels.criteria(dir), which sets"
          + " the argument blockFactory=" + ClassifierBlockFactory.class.getName()
          + " and the option hasParameter=false");
    }
    return (Translator<I, O>) (input == String[].class
        ? new PairClassifierTranslator(classifier) : new ClassifierTranslator(classifier));
  }
}
