package dev.finetune.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import dev.finetune.core.model.Encoders;
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
      assertThat(((SequenceClassifier) model.getBlock()).isFrozenForPrediction()).isTrue();
    }
    try (ZooModel<String, Classifications> model = DjlModels.criteria(dir)
        .optArgument("frozen", "false").build().loadModel()) {
      assertThat(((SequenceClassifier) model.getBlock()).isFrozenForPrediction()).isFalse();
    }
  }

  @Test
  void sentencePairsMultiLabelAndRegressionThroughCriteria() throws Exception {
    Path base = dir.resolve("base");
    try (SequenceClassifier model = TinyFixtures.bert(2, 23)) {
      model.save(base);
    }
    Path multi = dir.resolve("multi");
    Path regression = dir.resolve("regression");
    try (SequenceClassifier m = Encoders.load(base).classifier().multiLabel(3).freshHead(true)
        .seed(5).build()) {
      m.labelNames(List.of("joy", "anger", "fear"));
      m.decisionThresholds(new double[] {0.3, 0.5, 0.7});
      m.save(multi);
    }
    try (SequenceClassifier m = Encoders.load(base).classifier().regression().freshHead(true)
        .build()) {
      m.save(regression);
    }
    String[] pair = {"good movie", "the film was bad"};
    // pairs, through DJL's own builder with the String[] input type
    Criteria<String[], Classifications> criteria = Criteria.builder()
        .setTypes(String[].class, Classifications.class)
        .optModelPath(regression)
        .optEngine("PyTorch")
        .optArgument("blockFactory", ClassifierBlockFactory.class.getName())
        .optOption("hasParameter", "false")
        .optTranslatorFactory(new ClassifierTranslatorFactory())
        .build();
    Prediction ours;
    try (dev.finetune.core.predict.Predictor p = dev.finetune.core.predict.Predictor.load(regression)) {
      ours = p.predictPair(pair[0], pair[1]);
      assertThat(ours.value()).isNotEqualTo(p.predict(pair[0]).value());
    }
    try (ZooModel<String[], Classifications> model = criteria.loadModel();
        Predictor<String[], Classifications> predictor = model.newPredictor()) {
      Classifications c = predictor.predict(pair);
      assertThat(c.items()).hasSize(1);
      assertThat(c.best().getProbability()).as("the regression value")
          .isCloseTo(ours.value(), within(1e-5));
      assertThatThrownBy(() -> predictor.predict(new String[] {"one text"}))
          .hasStackTraceContaining("a sentence pair is two non-null texts");
    }
    List<String> texts = List.of("good movie", "the film was not very good !", "bad");
    List<Prediction> expected;
    try (dev.finetune.core.predict.Predictor p = dev.finetune.core.predict.Predictor.load(multi)) {
      expected = p.predict(texts);
    }
    try (ZooModel<String, Classifications> model = DjlModels.criteria(multi).build().loadModel();
        Predictor<String, Classifications> predictor = model.newPredictor();
        ZooModel<String[], Classifications> pairs = DjlModels.pairCriteria(multi).build()
            .loadModel();
        Predictor<String[], Classifications> pairPredictor = pairs.newPredictor()) {
      for (int i = 0; i < texts.size(); i++) {
        Classifications c = predictor.predict(texts.get(i));
        assertThat(c).isInstanceOf(MultiLabelClassifications.class);
        MultiLabelClassifications m = (MultiLabelClassifications) c;
        assertThat(m.thresholds()).containsExactly(0.3, 0.5, 0.7);
        assertThat(m.labels().stream().map(Classifications.Classification::getClassName).toList())
            .isEqualTo(expected.get(i).labels().stream().map(Prediction.LabelScore::label)
                .toList());
        for (int k = 0; k < 3; k++) {
          assertThat(c.getProbabilities().get(k))
              .isCloseTo(expected.get(i).scores()[k], within(1e-6));
        }
      }
      assertThat(pairPredictor.predict(pair).getClassNames()).containsExactly("joy", "anger", "fear");
    }
  }
}
