package dev.finetune.core.predict;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import dev.finetune.core.model.SequenceClassifier;
import java.nio.file.Path;
import java.util.Map;

/**
 * DJL's {@link BlockFactory} that loads a folder this library saved (a whole or merged model, or
 * an adapter folder with its recorded base) as a {@link SequenceClassifier} block on the DJL
 * model's device, as {@link Predictor#load} does, and {@linkplain
 * SequenceClassifier#freezeForPrediction() frozen for prediction} (as a frozen {@link Predictor}:
 * fused weights, on the CPU the oneDNN kernels) unless the Criteria argument {@code frozen} is
 * {@code false}. The classifier is closed with the DJL model.
 * DJL finds it by the Criteria argument {@code blockFactory}; {@link DjlModels#criteria} sets it.
 *
 * <pre>{@code
 * Criteria.builder()...optArgument("blockFactory", ClassifierBlockFactory.class.getName())
 *     .optOption("hasParameter", "false")...;
 * }</pre>
 */
public final class ClassifierBlockFactory implements BlockFactory {

  private static final long serialVersionUID = 1L;

  /** Creates the factory (DJL instantiates it by class name). */
  public ClassifierBlockFactory() {}

  @Override
  public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
    Predictor.Loader loader = Predictor.loader().device(model.getNDManager().getDevice());
    Object maxLength = arguments.get("maxLength");
    if (maxLength != null) {
      loader.maxLength(Integer.parseInt(maxLength.toString()));
    }
    Predictor predictor = loader.load(modelPath);
    SequenceClassifier classifier = predictor.model();
    if (!"false".equals(String.valueOf(arguments.get("frozen")))) {
      classifier.freezeForPrediction(); // a ZooModel predicts: fuse its weights once
    }
    model.getNDManager().attachInternal("finetune-" + System.identityHashCode(classifier),
        classifier);
    return classifier;
  }
}
