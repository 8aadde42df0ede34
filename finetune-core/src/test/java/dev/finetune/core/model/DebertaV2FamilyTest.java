package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DeBERTa-v2/v3 beyond the parity fixture (which {@code FamilyParityTest} checks against a
 * plain-PyTorch forward written from transformers' {@code modeling_deberta_v2.py}): the family's
 * facts, the relative-position buckets against PyTorch's {@code make_log_bucket_position}, the
 * v2-style options (absolute positions, token types, no buckets, {@code "c2p|p2c"} strings) and
 * the configurations refused.
 */
class DebertaV2FamilyTest {

  @TempDir Path dir;

  /** A tiny v3-style config.json with extra keys. */
  private static String config(String extra) {
    return "{\"model_type\": \"deberta-v2\", \"vocab_size\": 40, \"hidden_size\": 16,"
        + " \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"intermediate_size\": 32,"
        + " \"max_position_embeddings\": 24, \"relative_attention\": true,"
        + " \"position_buckets\": 8, \"max_relative_positions\": 16, \"share_att_key\": true,"
        + " \"norm_rel_ebd\": \"layer_norm\", \"position_biased_input\": false"
        + extra + "}";
  }

  @Test
  void declaresItsFacts() {
    ModelType d = ModelType.fromHf("DeBERTa-v2");
    assertThat(d).isInstanceOf(DebertaV2Family.class);
    assertThat(ModelTypes.names()).contains("deberta-v2");
    assertThat(d.checkpointPrefix()).isEqualTo("deberta.");
    assertThat(d.sequenceClassificationArchitecture()).isEqualTo("DebertaV2ForSequenceClassification");
    assertThat(d.tokenClassificationArchitecture()).isEqualTo("DebertaV2ForTokenClassification");
    assertThat(d.headLayout()).isEqualTo(
        new HeadLayout("pooler.dense", "classifier", false, HeadLayout.Activation.GELU, false));
    assertThat(d.headLayout().outsideBaseModel("pooler.dense.weight"))
        .as("ContextPooler belongs to the task model: saved without deberta.").isTrue();
    assertThat(ModelType.BERT.headLayout().outsideBaseModel("pooler.dense.weight")).isFalse();
    assertThat(d.defaultPooling(Set.of())).isEqualTo(Pooling.CLS_POOLER);
    assertThat(d.defaultLoraTargets()).containsExactly("query_proj", "value_proj");
    assertThat(d.defaultIa3Targets()).containsExactly("key_proj", "value_proj", "output.dense");
    assertThat(d.defaultIa3FeedForward()).containsExactly("output.dense");
    assertThat(d.pretrainingHeads()).contains("lm_predictions.", "mask_predictions.");
    assertThat(d.configKeys()).containsEntry("classifier_dropout", "cls_dropout");
    EncoderLayout layout = d.encoderLayout();
    assertThat(layout.layer(1) + layout.key()).isEqualTo("encoder.layer.1.attention.self.key_proj");
    EncoderConfig defaults = EncoderConfig.fromJson("{\"model_type\": \"deberta-v2\"}");
    assertThat(defaults.typeVocabSize()).isZero();
    assertThat(defaults.layerNormEps()).isEqualTo(1e-7);
    assertThat(defaults.hiddenSize()).isEqualTo(1536);
    assertThat(d.absolutePositions(defaults)).as("position_biased_input defaults to true").isTrue();
    assertThat(d.disentangledAttention(defaults)).as("relative_attention defaults to false").isEmpty();
    assertThat(EncoderConfig.fromJson(config(", \"cls_dropout\": 0.3")).classifierDropout())
        .isEqualTo(0.3f);
  }

  /** Values printed by PyTorch 1.13 running transformers' make_log_bucket_position. */
  @ParameterizedTest
  @CsvSource({
    "0,8,16,0", "1,8,16,1", "-1,8,16,-1", "4,8,16,4", "5,8,16,5", "-5,8,16,-5", "6,8,16,5",
    "7,8,16,6", "8,8,16,6", "11,8,16,7", "15,8,16,7", "16,8,16,8", "40,8,16,10", "-40,8,16,-10",
    "127,256,512,127", "128,256,512,128", "129,256,512,129", "-129,256,512,-129",
    "200,256,512,169", "511,256,512,255", "512,256,512,256", "1000,256,512,317",
    "-3000,256,512,-418"
  })
  void bucketsRelativePositionsAsPyTorch(long distance, int buckets, int max, long expected) {
    assertThat(DisentangledAttention.logBucket(distance, buckets, max)).isEqualTo(expected);
  }

  @Test
  void aKeyValuePrefixSitsAtThePositionsBeforeTheSequence() {
    DisentangledAttention.Settings s = new DisentangledAttention.Settings(8, 16, true, true, true);
    assertThat(s.span()).isEqualTo(8);
    assertThat(s.scaleFactor()).isEqualTo(3);
    assertThat(s.row(40)).as("clamped to the table").isEqualTo(15);
    assertThat(s.row(-40)).isZero();
    // 2 queries, 2 prefix keys + 2 keys: query 0 is at position 2
    assertThat(DisentangledAttention.rowIndex(s, 2, 4))
        .containsExactly(10, 9, 8, 7, 11, 10, 9, 8);
    assertThat(DisentangledAttention.rowIndex(s, 2, 2)).containsExactly(8, 7, 9, 8);
  }

  /**
   * What the PEFT methods of prompt and prefix tuning see: text A before text B, given as soft
   * tokens (A's word vectors) or, in a one-layer model, as a key/value prefix (layer 0's keys and
   * values of A), leaves B's hidden states those of the whole text A + B, relative positions
   * included (A's tokens at the positions before B).
   */
  @Test
  void softTokensAndKeyValuePrefixesAreTheTokensBeforeTheText() {
    EncoderConfig c = EncoderConfig.fromJson(config(", \"pos_att_type\": [\"p2c\", \"c2p\"],"
        + " \"initializer_range\": 0.3")).withNumLayers(1); // weights large enough to matter
    long[] a = {1, 5, 9};
    long[] b = {7, 3, 11, 2, 6, 8, 4, 10, 12, 13};
    long[] ab = java.util.stream.LongStream.concat(
        java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray();
    try (SequenceClassifier model = SequenceClassifier.randomInit(c, 2, 1, Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      float[] whole = model.encode(new NDList(m.create(new long[][] {ab}))).lastHiddenState()
          .get(new NDIndex(":, 3:, :")).toFloatArray();
      ForwardContext ctx = new ForwardContext(new ParameterStore(m, false), Device.cpu(), false, m);
      NDArray wordsOfA = model.encoder().embeddings().words(ctx, m.create(new long[][] {a}));
      NDList textB = new NDList(m.create(new long[][] {b}));

      model.encoder().setSoftTokens((context, batch) -> wordsOfA);
      float[] prompted = model.encode(textB).lastHiddenState().get(new NDIndex(":, 3:, :"))
          .toFloatArray();
      model.encoder().setSoftTokens(null);
      assertThat(TinyFixtures.maxAbsDiff(prompted, whole)).isLessThan(1e-4);

      NDArray hiddenA = model.encoder().embeddings().finish(ctx, wordsOfA, null,
          m.zeros(new ai.djl.ndarray.types.Shape(1, 3), ai.djl.ndarray.types.DataType.INT64), 0);
      EncoderLayer layer = model.encoder().layer(0);
      NDArray keys = layer.key().forward(ctx, hiddenA);
      NDArray values = layer.value().forward(ctx, hiddenA);
      layer.setKeyValuePrefix((context, batch) -> new KeyValuePrefix.Prefix(keys, values));
      float[] prefixed = model.encode(textB).lastHiddenState().toFloatArray();
      assertThat(TinyFixtures.maxAbsDiff(prefixed, whole)).isLessThan(1e-4);
      layer.setKeyValuePrefix(null);
      float[] alone = model.encode(textB).lastHiddenState().toFloatArray();
      assertThat(TinyFixtures.maxAbsDiff(alone, whole)).as("A changes B's states").isGreaterThan(1e-2);
    }
  }

  /**
   * The second DeBERTa fixture of {@code make_parity.py} (2 heads, absolute positions, token
   * types, relative positions unbucketed up to {@code max_position_embeddings} from
   * {@code max_relative_positions: -1}, {@code pos_att_type "c2p|p2c"}, no {@code
   * encoder.LayerNorm}) against its plain-PyTorch reference from {@code modeling_deberta_v2.py}.
   */
  @Test
  void aV2StyleCheckpointMatchesTheReferenceForward() throws IOException {
    Path folder = ParityFixtures.copy("deberta-v2-absolute", dir);
    ParityFixtures.Expected expected = ParityFixtures.expected(folder);
    com.google.gson.JsonArray rows = com.google.gson.JsonParser.parseString(
        Files.readString(folder.resolve("expected.json"))).getAsJsonObject()
        .getAsJsonArray("token_type_ids");
    long[][] types = new long[rows.size()][];
    for (int r = 0; r < types.length; r++) {
      types[r] = rows.get(r).getAsJsonArray().asList().stream()
          .mapToLong(com.google.gson.JsonElement::getAsLong).toArray();
    }
    PretrainedEncoder encoder = Encoders.loader().strict(true).load(folder);
    assertThat(encoder.loadReport().isClean()).isTrue();
    assertThat(encoder.loadReport().missing()).isEmpty();
    try (SequenceClassifier model = encoder.classifier().build();
        NDManager m = model.manager().newSubManager()) {
      assertThat(model.freshParameters()).isEmpty();
      assertThat(model.config().numHeads()).isEqualTo(2);
      assertThat(model.encoder().disentangledAttention().orElseThrow().settings())
          .isEqualTo(new DisentangledAttention.Settings(-1, 24, true, true, false));
      NDList inputs = new NDList(m.create(expected.ids()), m.create(expected.mask()), m.create(types));
      float[] hidden = model.encode(inputs).lastHiddenState().toFloatArray();
      float[] logits = model.forward(inputs, false).singletonOrThrow().toFloatArray();
      assertThat(TinyFixtures.maxAbsDiff(expected.compared(hidden), expected.compared(expected.hidden())))
          .as(expected.source()).isLessThanOrEqualTo(1e-4);
      assertThat(TinyFixtures.maxAbsDiff(logits, expected.logits())).as(expected.source())
          .isLessThanOrEqualTo(1e-4);
    }
  }

  @ParameterizedTest
  @CsvSource({"layer_norm", "none"})
  void forwardPassesLeaveNoArraysOnTheModelManager(String normRelEbd) {
    EncoderConfig c = EncoderConfig.fromJson(config(", \"pos_att_type\": \"p2c|c2p\"")
        .replace("\"layer_norm\"", "\"" + normRelEbd + "\""));
    try (SequenceClassifier model = SequenceClassifier.randomInit(c, 2, 1, Device.cpu())) {
      int before = -1;
      for (int i = 0; i < 4; i++) {
        try (NDManager m = model.manager().newSubManager()) {
          NDList batch = new NDList(m.create(new long[][] {{1, 5, 9, 3, 2, 0}, {1, 7, 2, 0, 0, 0}}),
              m.create(new long[][] {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 0, 0, 0}}));
          model.forward(batch, i % 2 == 0).singletonOrThrow().toFloatArray();
        }
        if (before < 0) {
          before = model.manager().getManagedArrays().size();
        }
      }
      assertThat(model.manager().getManagedArrays()).hasSize(before);
    }
  }

  @Test
  void v3HasNoAbsolutePositionsNorTokenTypesAndItsTableCountsWithTheEmbeddings() {
    EncoderConfig c = EncoderConfig.fromJson(config(", \"pos_att_type\": [\"p2c\", \"c2p\"]"));
    try (SequenceClassifier model = SequenceClassifier.randomInit(c, 2, 1, Device.cpu())) {
      assertThat(model.encoder().embeddings().positionEmbeddings()).isNull();
      assertThat(model.encoder().embeddings().tokenTypeEmbeddings()).isNull();
      assertThat(model.parameters().find("embeddings.position_embeddings.weight")).isEmpty();
      assertThat(model.parameters().get("encoder.rel_embeddings.weight").parameter().getArray()
          .getShape().getShape()).containsExactly(16, 16);
      assertThat(model.parameters().get("encoder.rel_embeddings.weight").address().layer())
          .isEqualTo(ParameterAddress.EMBEDDINGS);
      assertThat(model.parameters().get("encoder.LayerNorm.weight").address().role())
          .isEqualTo(ParameterRole.LAYER_NORM);
      assertThat(model.encoder().disentangledAttention().orElseThrow().settings())
          .isEqualTo(new DisentangledAttention.Settings(8, 16, true, true, true));
      assertThat(model.head().pooler().orElseThrow().name()).isEqualTo("pooler.dense");
    }
  }

  @Test
  void v2StyleOptionsBuildTheirTablesAndChangeTheOutput() {
    EncoderConfig c = EncoderConfig.fromJson(config(", \"position_biased_input\": true,"
        + " \"type_vocab_size\": 2, \"position_buckets\": -1, \"norm_rel_ebd\": \"none\","
        + " \"pos_att_type\": \"C2P | p2c\""));
    try (SequenceClassifier model = SequenceClassifier.randomInit(c, 2, 1, Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      assertThat(model.encoder().embeddings().positionEmbeddings()).isNotNull();
      assertThat(model.encoder().embeddings().tokenTypeEmbeddings()).isNotNull();
      assertThat(model.parameters().find("encoder.LayerNorm.weight")).isEmpty();
      DisentangledAttention.Settings s = model.encoder().disentangledAttention().orElseThrow().settings();
      assertThat(s).isEqualTo(new DisentangledAttention.Settings(-1, 16, true, true, false));
      assertThat(model.parameters().get("encoder.rel_embeddings.weight").parameter().getArray()
          .getShape().getShape()).as("2 * max_relative_positions rows").containsExactly(32, 16);
      long[][] ids = {{1, 5, 9, 3, 2}};
      float[] plain = model.forward(new NDList(m.create(ids)), false).singletonOrThrow().toFloatArray();
      float[] typed = model.forward(new NDList(m.create(ids), m.ones(new ai.djl.ndarray.types.Shape(1, 5),
          ai.djl.ndarray.types.DataType.INT64), m.create(new long[][] {{0, 0, 1, 1, 1}})), false)
          .singletonOrThrow().toFloatArray();
      assertThat(typed).as("token types enter the embeddings").isNotEqualTo(plain);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "\"conv_kernel_size\": 3|conv_kernel_size 3",
    "\"share_att_key\": false|share_att_key false",
    "\"embedding_size\": 8|embedding_size 8",
    "\"pooler_hidden_size\": 8|pooler_hidden_size 8",
    "\"pooler_hidden_act\": \"tanh\"|pooler_hidden_act \"tanh\"",
    "\"position_buckets\": \"many\"|position_buckets must be a whole number"
  })
  void refusesWhatItDoesNotImplementNamingTheKey(String entry, String message) {
    EncoderConfig c = EncoderConfig.fromJson(config(", " + entry));
    assertThatThrownBy(() -> SequenceClassifier.randomInit(c, 2, 1, Device.cpu()))
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith("config.json (deberta-v2): ")
        .hasMessageContaining(message);
  }

  /**
   * A SentencePiece/Unigram tokenizer.json as DeBERTa-v3's: XLM-R's Unigram pieces and Metaspace
   * with {@code [CLS]}/{@code [SEP]}/{@code [PAD]}/{@code [UNK]} and BERT's pair template
   * ({@code [CLS] A [SEP] B [SEP]}, the second segment type 1).
   */
  static String v3TokenizerJson() {
    String json = FamilyParityTest.unigramTokenizerJson()
        .replace("<s>", "[CLS]").replace("</s>", "[SEP]").replace("<pad>", "[PAD]")
        .replace("<unk>", "[UNK]").replace("<mask>", "[MASK]");
    String sep = "{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}}";
    String b = "{\"Sequence\":{\"id\":\"B\",\"type_id\":0}}";
    String robertaPair = sep + "," + sep + "," + b + "," + sep;
    String bertPair = sep + "," + b.replace("0}", "1}") + "," + sep.replace("0}", "1}");
    assertThat(json).contains(robertaPair);
    return json.replace(robertaPair, bertPair);
  }

  @Test
  void aUnigramTokenizerEncodesPairsAsDebertaV3AndTheModelRunsThem() throws IOException {
    Path folder = ParityFixtures.copy("deberta-v2", dir);
    Files.writeString(folder.resolve("tokenizer.json"), v3TokenizerJson());
    PretrainedEncoder encoder = Encoders.loader().strict(true).load(folder);
    try (HuggingFaceTokenizer tokenizer = encoder.newTokenizer();
        SequenceClassifier model = encoder.classifier().build();
        NDManager m = model.manager().newSubManager()) {
      Encoding pair = tokenizer.encode("good movie", "bad films");
      assertThat(pair.getTokens()).containsExactly(
          "[CLS]", "\u2581good", "\u2581movie", "[SEP]", "\u2581bad", "\u2581film", "s", "[SEP]");
      assertThat(pair.getTypeIds()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
      float[] logits = model.forward(new NDList(m.create(new long[][] {pair.getIds()}),
              m.create(new long[][] {pair.getAttentionMask()}),
              m.create(new long[][] {pair.getTypeIds()})), false)
          .singletonOrThrow().toFloatArray();
      assertThat(logits).hasSize(3).doesNotContain(Float.NaN);
    }
  }
}
