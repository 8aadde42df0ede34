package dev.finetune.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.finetune.core.data.BatchIterator;
import dev.finetune.core.data.Batches;
import dev.finetune.core.data.Glue;
import dev.finetune.core.data.TextBatch;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.Pooling;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import dev.finetune.core.optim.NoGradScope;
import dev.finetune.testing.SharedResources;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * On the 872 SST-2 dev sentences and the embedded MiniLM (mean pooling, seeded head): the
 * predictor's answers, plain and {@code frozen()} (fused weights), batched by token count, equal
 * the evaluation path's argmax (batches as {@code TrainingRun.evaluate} cuts them: data order,
 * bucketed by characters) for every sentence, logits within 1e-5.
 */
class PredictorSst2Test {

  @Test
  void predictionsEqualTheEvaluationPathsArgmaxOnSst2Dev() {
    TextDataset dev = Glue.readSst2(SharedResources.require("data/sst2/dev.tsv"), "sst2-dev");
    try (SequenceClassifier model = Encoders.embeddedMiniLm().classifier().numLabels(2)
        .pooling(Pooling.MEAN).seed(42).build()) {
      float[][] evaluation = new float[dev.size()][];
      Batches batches = Batches.builder(model.tokenizer()).batchSize(32)
          .maxLength(model.maxLength()).noShuffle().bucketing(50)
          .padId(model.config().padTokenId()).prefetch(0).build();
      try (NoGradScope ignored = NoGradScope.enter();
          NDManager scope = model.manager().newSubManager();
          BatchIterator it = batches.iterator(dev, scope)) {
        while (it.hasNext()) {
          try (TextBatch b = it.next()) {
            float[] flat = model.forward(b.modelInputs(), false).singletonOrThrow()
                .toFloatArray();
            int[] rows = b.exampleIndices();
            for (int r = 0; r < rows.length; r++) {
              evaluation[rows[r]] = new float[] {flat[2 * r], flat[2 * r + 1]};
            }
          }
        }
      }
      List<Prediction> plain = Predictor.builder(model).batchSize(32).build().predict(dev);
      List<Prediction> fused;
      try (Predictor frozen = Predictor.builder(model).batchSize(32).frozen().build()) {
        fused = frozen.predict(dev);
      }
      double plainMax = 0;
      double fusedMax = 0;
      for (int i = 0; i < dev.size(); i++) {
        int expected = evaluation[i][1] > evaluation[i][0] ? 1 : 0;
        assertThat(plain.get(i).labelId()).as("sentence %d", i).isEqualTo(expected);
        assertThat(fused.get(i).labelId()).as("sentence %d", i).isEqualTo(expected);
        plainMax = Math.max(plainMax, TinyFixtures.maxAbsDiff(plain.get(i).logits(), evaluation[i]));
        fusedMax = Math.max(fusedMax, TinyFixtures.maxAbsDiff(fused.get(i).logits(), evaluation[i]));
      }
      assertThat(plainMax).isLessThan(1e-5);
      assertThat(fusedMax).isLessThan(1e-5);
    }
  }
}
