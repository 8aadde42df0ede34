package dev.finetune.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved folder through DJL's own API: Criteria, ZooModel, Predictor. */
class DjlModelsTest {

  @TempDir Path dir;

  @Test
  void aSavedFolderLoadsThroughCriteriaAndPredictsAsOurPredictor() throws Exception {
    try (SequenceClassifier model = TinyFixtures.bert(3, 21)) {
      model.labelNames(List.of("neg", "neutral", "pos"));
      model.save(dir);
    }
    List<String> texts = List.of("good movie", "the film was not very good !", "");
    List<Prediction> ours;
    try (dev.finetune.core.predict.Predictor p = dev.finetune.core.predict.Predictor.load(dir)) {
      ours = p.predict(texts);
    }
    Criteria<String, Classifications> criteria = Criteria.builder()
        .setTypes(String.class, Classifications.class)
        .optModelPath(dir)
        .optEngine("PyTorch")
        .optArgument("blockFactory", ClassifierBlockFactory.class.getName())
        .optOption("hasParameter", "false")
        .optTranslatorFactory(new ClassifierTranslatorFactory())
        .build();
    try (ZooModel<String, Classifications> model = criteria.loadModel();
        Predictor<String, Classifications> predictor = model.newPredictor()) {
      List<Classifications> answers = predictor.batchPredict(texts);
      for (int i = 0; i < texts.size(); i++) {
        Classifications c = answers.get(i);
        assertThat(c.best().getClassName()).isEqualTo(ours.get(i).label());
        assertThat(c.getClassNames()).containsExactly("neg", "neutral", "pos");
        for (int k = 0; k < 3; k++) {
          assertThat(c.getProbabilities().get(k))
              .isCloseTo(ours.get(i).scores()[k], within(1e-6));
        }
      }
    }
    try (ZooModel<String, Classifications> model = DjlModels.criteria(dir).build().loadModel();
        Predictor<String, Classifications> predictor = model.newPredictor()) {
      assertThat(predictor.predict("good movie").best().getClassName())
          .isEqualTo(ours.get(0).label());
    }
  }
}
