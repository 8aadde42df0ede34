package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.model.ProblemType;
import dev.finetune.core.train.TrainingSettings;
import org.junit.jupiter.api.Test;

/** The task registry: names, aliases, kinds, main metrics, and the truncation setting's text. */
class TasksTest {

  @Test
  void everyTaskHasOneNameAKindAndAMainMetric() {
    assertThat(Tasks.names())
        .containsExactly("sst2", "cola", "imdb", "mrpc", "stsb", "trec", "trec_fine", "goemotions",
            "conll2003");
    assertThat(Tasks.find("ner")).isSameAs(Tasks.find("conll2003"));
    assertThat(Tasks.find("conll2003").problemType()).isEqualTo(ProblemType.TOKEN_CLASSIFICATION);
    assertThat(Tasks.find("conll2003").mainMetric()).isEqualTo("f1");
    assertThat(Tasks.find("STS-B").problemType()).isEqualTo(ProblemType.REGRESSION);
    assertThat(Tasks.find("stsb").mainMetric()).isEqualTo("spearman");
    assertThat(Tasks.find("goemotions").problemType()).isEqualTo(ProblemType.MULTI_LABEL_CLASSIFICATION);
    assertThat(Tasks.find("trec6")).isSameAs(Tasks.find("trec"));
    assertThat(Tasks.find("mrpc").mainMetric()).isEqualTo("f1");
    assertThat(Tasks.help("  ")).contains("  goemotions ").contains("main metric macro_f1");
    assertThatThrownBy(() -> Tasks.find("mnli"))
        .hasMessage("unknown task 'mnli'; known tasks: [sst2, cola, imdb, mrpc, stsb, trec, trec_fine,"
            + " goemotions, conll2003]");
  }

  @Test
  void truncationIsASettingSpeltAsHuggingFaceSpellsIt() {
    assertThat(TrainingSettings.TRUNCATION.convert("only_second", "--truncation"))
        .isEqualTo(Truncation.ONLY_SECOND);
    assertThat(TrainingSettings.TRUNCATION.defaultValue()).hasToString("longest_first");
    assertThatThrownBy(() -> TrainingSettings.TRUNCATION.convert("shortest", "--truncation"))
        .hasMessage("--truncation must be longest_first, only_first or only_second, got 'shortest'");
    assertThatThrownBy(() -> TrainingSettings.THRESHOLD.convert("1.5", "threshold"))
        .hasMessage("threshold must be in (0, 1), got 1.5");
  }
}
