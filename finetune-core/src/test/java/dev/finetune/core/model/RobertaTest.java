package dev.finetune.core.model;

import static dev.finetune.core.model.TinyFixtures.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.checkpoint.SafeTensors;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RoBERTa differs from BERT in its position ids (from pad_token_id + 1, padding skipped), its
 * single token type and its classification head; each difference is checked here.
 */
class RobertaTest {

  @TempDir Path dir;

  static EncoderConfig tinyRoberta() {
    return EncoderConfig.builder()
        .modelType(ModelType.ROBERTA)
        .padTokenId(1)
        .typeVocabSize(1)
        .vocabSize(100)
        .hiddenSize(32)
        .numLayers(2)
        .numHeads(4)
        .intermediateSize(64)
        .maxPositionEmbeddings(40)
        .layerNormEps(1e-5)
        .build();
  }

  static EncoderConfig tinyBertLike(EncoderConfig c) {
    return c.toBuilder().modelType(ModelType.BERT).build();
  }

  @Test
  void positionIdsStartAfterPaddingAndSkipPadding() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray ids = m.create(new long[][] {{0, 5, 6, 7, 2, 1, 1}, {1, 1, 0, 8, 2, 1, 1}});
      long[] positions = Embeddings.robertaPositionIds(ids, 1).toLongArray();
      assertThat(positions).containsExactly(2, 3, 4, 5, 6, 1, 1, 1, 1, 2, 3, 4, 1, 1);
      // after a key/value prefix of 3 positions (HF past_key_values_length = 3)
      assertThat(Embeddings.robertaPositionIds(ids, 1, 3).toLongArray())
          .containsExactly(5, 6, 7, 8, 9, 1, 1, 1, 1, 5, 6, 7, 1, 1);
    }
  }

  @Test
  void leftPaddingLeavesRealTokensUnchangedOnlyForRoberta() {
    long[] tokens = {0, 5, 6, 7, 2};
    long[] leftPadded = {1, 1, 0, 5, 6, 7, 2};
    long[] mask = {0, 0, 1, 1, 1, 1, 1};
    try (SequenceClassifier roberta =
            SequenceClassifier.randomInit(tinyRoberta(), 2, 3, Device.cpu());
        SequenceClassifier bert =
            SequenceClassifier.randomInit(tinyBertLike(tinyRoberta()), 2, 3, Device.cpu());
        NDManager m = roberta.manager().newSubManager()) {
      for (SequenceClassifier model : new SequenceClassifier[] {roberta, bert}) {
        float[] alone =
            model.encode(new NDList(m.create(new long[][] {tokens}))).lastHiddenState().toFloatArray();
        float[] padded =
            model
                .encode(new NDList(m.create(new long[][] {leftPadded}), m.create(new long[][] {mask})))
                .lastHiddenState()
                .get("0, 2:, :")
                .toFloatArray();
        double diff = maxAbsDiff(alone, padded);
        if (model == roberta) {
          assertThat(diff).as("RoBERTa: positions follow the real tokens").isLessThan(1e-5);
        } else {
          assertThat(diff).as("BERT: positions shift with left padding").isGreaterThan(1e-3);
        }
      }
    }
  }

  @Test
  void robertaCheckpointsUseRobertaNames() {
    try (SequenceClassifier model = SequenceClassifier.randomInit(tinyRoberta(), 3, 1, Device.cpu())) {
      assertThat(model.parameters().find("embeddings.token_type_embeddings.weight").orElseThrow().size())
          .isEqualTo(32);
      assertThat(model.head().pooler().orElseThrow().name()).isEqualTo("classifier.dense");
      assertThat(model.head().classifier().name()).isEqualTo("classifier.out_proj");
      model.save(dir);
    }
    assertThat(SafeTensors.read(dir.resolve("model.safetensors")))
        .containsKeys("roberta.embeddings.word_embeddings.weight", "classifier.out_proj.weight")
        .doesNotContainKey("roberta.pooler.dense.weight");
    PretrainedEncoder reloaded = Encoders.loader().strict(true).load(dir);
    assertThat(reloaded.config().modelType()).isEqualTo(ModelType.ROBERTA);
    assertThat(reloaded.config().maxSequenceLength()).isEqualTo(38);
    try (SequenceClassifier model = reloaded.forSequenceClassification(3)) {
      assertThat(model.freshParameters()).isEmpty();
    }
  }

  @Test
  void robertaConfigDefaults() {
    EncoderConfig c = EncoderConfig.fromJson("{\"model_type\": \"roberta\", \"vocab_size\": 50}");
    assertThat(c.padTokenId()).isEqualTo(1);
    assertThat(c.typeVocabSize()).isEqualTo(1);
    assertThat(c.maxPositionEmbeddings()).isEqualTo(514);
  }
}
