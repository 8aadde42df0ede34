package dev.finetune.core.predict;

import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.Criteria;
import java.nio.file.Path;

/**
 * DJL's own way in: {@code Criteria} for a folder this library saved, so that DJL users load it
 * with {@code loadModel()} and predict with {@code ZooModel.newPredictor()} as with any DJL model.
 * Without this helper, the same three settings on a Criteria builder do it: the argument
 * {@code blockFactory} = {@link ClassifierBlockFactory}, the option {@code hasParameter=false}
 * (the block loads its own safetensors) and the translator factory
 * {@link ClassifierTranslatorFactory}.
 *
 * <pre>{@code
 * try (ZooModel<String, Classifications> model = DjlModels.criteria(dir).build().loadModel();
 *     ai.djl.inference.Predictor<String, Classifications> p = model.newPredictor()) {
 *   p.predict("a gripping film").best().getClassName();   // "positive"
 * }
 * }</pre>
 */
public final class DjlModels {

  private DjlModels() {}

  /**
   * A Criteria builder for a sentence-pair model's saved folder: the input is the two texts.
   *
   * <pre>{@code
   * try (ZooModel<String[], Classifications> m = DjlModels.pairCriteria(dir).build().loadModel()) {
   *   m.newPredictor().predict(new String[] {"A man eats.", "Someone eats."});
   * }
   * }</pre>
   *
   * @param dir the folder
   * @return the builder
   */
  public static Criteria.Builder<String[], Classifications> pairCriteria(Path dir) {
    return builder(String[].class, dir);
  }

  /**
   * A Criteria builder for a saved folder (whole, merged or adapter), on the PyTorch engine.
   *
   * @param dir the folder
   * @return the builder; add {@code optDevice}, {@code optArgument("maxLength", n)} as needed
   */
  public static Criteria.Builder<String, Classifications> criteria(Path dir) {
    return builder(String.class, dir);
  }

  private static <I> Criteria.Builder<I, Classifications> builder(Class<I> input, Path dir) {
    return Criteria.builder()
        .setTypes(input, Classifications.class)
        .optModelPath(dir)
        .optEngine("PyTorch")
        .optArgument("blockFactory", ClassifierBlockFactory.class.getName())
        .optOption("hasParameter", "false")
        .optTranslatorFactory(new ClassifierTranslatorFactory());
  }
}
