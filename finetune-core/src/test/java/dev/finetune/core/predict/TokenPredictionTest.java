package dev.finetune.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.tokens.EntitySpans.EntitySpan;
import dev.finetune.core.model.WordPieceVocabulary;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.TinySetup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entity spans for raw strings from a token-classification model, in memory and saved. */
class TokenPredictionTest {

  @TempDir Path dir;

  /** The toy rule: a word is an EVEN entity iff its token id is even. */
  private static List<String> expectedEntities(String text) {
    List<String> out = new ArrayList<>();
    for (String word : text.split(" ")) {
      int id = WordPieceVocabulary.SPECIAL_TOKENS.size() + TinySetup.WORDS.indexOf(word);
      if (!word.isEmpty() && id % 2 == 0) {
        out.add(word);
      }
    }
    return out;
  }

  @Test
  void spansCarryTypeScoreAndOffsetsAndSurviveSaveAndLoad() {
    List<String> texts = List.of("good bad movie film", "the  plot was very long story", "", "a");
    try (SequenceClassifier model = TinySetup.tokenModel(0f, 5);
        HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir.resolve("tok"))) {
      FineTune.of(model).tokenizer(tokenizer).learningRate(3e-3).batchSize(8).epochs(6)
          .progressBar(false).fit(TinySetup.tokenTask("toy", 128, 1), null, null);
      Predictor predictor = Predictor.builder(model).batchSize(2).build();
      List<List<EntitySpan>> spans = predictor.entities(texts);
      for (int i = 0; i < texts.size(); i++) {
        String text = texts.get(i);
        assertThat(spans.get(i)).as(text).extracting(EntitySpan::text)
            .containsExactlyElementsOf(expectedEntities(text.replace("  ", " ")));
        for (EntitySpan s : spans.get(i)) {
          assertThat(s.type()).isEqualTo("EVEN");
          assertThat(text.substring(s.start(), s.end())).isEqualTo(s.text());
          assertThat(s.score()).isBetween(1.0 / 3, 1.0);
        }
      }
      assertThat(predictor.entities(texts.get(1))).isEqualTo(spans.get(1));
      assertThatThrownBy(() -> predictor.predict("good"))
          .hasMessageContaining("entities(text) instead of predict(text)");

      model.save(dir.resolve("model"));
      try (Predictor loaded = Predictor.load(dir.resolve("model"))) {
        assertThat(loaded.problemType()).isEqualTo(model.problemType());
        assertThat(loaded.entities(texts)).isEqualTo(spans);
      }
    }
  }
}
