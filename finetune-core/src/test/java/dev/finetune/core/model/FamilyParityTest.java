package dev.finetune.core.model;

import static dev.finetune.core.model.TinyFixtures.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.LoadReport;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.params.ModelParameter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each family against an independent implementation: the fixtures of
 * {@code src/test/resources/parity} are Hub-style task checkpoints (prefixed encoder, head,
 * pre-training head, float16) with references from {@code make_parity.py}, plain-PyTorch forwards
 * written from transformers' {@code modeling_roberta.py} (RoBERTa, XLM-RoBERTa, CamemBERT),
 * {@code modeling_distilbert.py} (DistilBERT), {@code modeling_electra.py} (ELECTRA) and
 * {@code modeling_albert.py} (ALBERT). The PEFT methods on the same fixtures are tested in
 * finetune-peft ({@code FamilyMethodsTest}).
 */
class FamilyParityTest {

  private static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  /** Every fixture family but ModernBERT, whose own test also checks its pooling kinds. */
  static Stream<String> families() {
    return ParityFixtures.FAMILIES.stream().filter(family -> !family.equals("modernbert"));
  }

  @ParameterizedTest
  @MethodSource("families")
  void loadsStrictlyAndMatchesTheReferenceForward(String family) {
    Path folder = ParityFixtures.copy(family, dir);
    ParityFixtures.Expected expected = ParityFixtures.expected(folder);
    PretrainedEncoder encoder = Encoders.loader().strict(true).load(folder);
    ModelType type = encoder.config().modelType();
    assertThat(type.hfName()).isEqualTo(family);
    LoadReport report = encoder.loadReport();
    assertThat(report.isClean()).isTrue();
    assertThat(report.missing()).isEmpty();
    assertThat(report.head()).as("the fine-tuned head is found")
        .contains(type.headLayout().poolerName() + ".weight", type.headLayout().classifierName() + ".weight");
    assertThat(report.skipped()).as("the masked-LM head is skipped").isNotEmpty()
        .allMatch(n -> type.pretrainingHeads().stream().anyMatch(n::startsWith));

    try (SequenceClassifier model = encoder.classifier().build();
        NDManager m = model.manager().newSubManager()) {
      assertThat(model.numLabels()).as("labels from the checkpoint's classifier").isEqualTo(3);
      assertThat(model.labelNames()).containsExactly("negative", "neutral", "positive");
      assertThat(model.freshParameters()).as("nothing initialised fresh").isEmpty();
      float[] hidden = model.encode(expected.batch(m)).lastHiddenState().toFloatArray();
      float[] logits = model.forward(expected.batch(m), false).singletonOrThrow().toFloatArray();
      assertThat(maxAbsDiff(expected.compared(hidden), expected.compared(expected.hidden())))
          .as(expected.source())
          .isLessThanOrEqualTo(TOLERANCE);
      assertThat(maxAbsDiff(logits, expected.logits())).as(expected.source())
          .isLessThanOrEqualTo(TOLERANCE);
    }
  }

  @ParameterizedTest
  @MethodSource("families")
  void savesAsTheFamilysTaskCheckpointAndReloadsEqual(String family) throws IOException {
    Path folder = ParityFixtures.copy(family, dir);
    ParityFixtures.Expected expected = ParityFixtures.expected(folder);
    Path saved = dir.resolve("saved");
    ModelType type;
    float[] logits;
    Map<String, float[]> weights = new java.util.LinkedHashMap<>();
    try (SequenceClassifier model = Encoders.loader().strict(true).load(folder).classifier().build();
        NDManager m = model.manager().newSubManager()) {
      type = model.config().modelType();
      logits = model.forward(expected.batch(m), false).singletonOrThrow().toFloatArray();
      for (ModelParameter p : model.parameters().all()) {
        weights.put(p.hfName(), p.parameter().getArray().toFloatArray());
      }
      model.save(saved);
    }
    Map<String, HostTensor> tensors = SafeTensors.read(saved.resolve("model.safetensors"));
    String pooler = type.headLayout().poolerName() + ".weight";
    int top = type.distinctLayers(model0Config(folder)) - 1;
    assertThat(tensors).containsKeys(
        type.checkpointPrefix() + "embeddings.word_embeddings.weight",
        type.checkpointPrefix() + type.encoderLayout().layer(top) + type.encoderLayout().query() + ".weight",
        type.headLayout().outsideBaseModel(pooler) ? pooler : type.checkpointPrefix() + pooler,
        type.headLayout().classifierName() + ".weight");
    JsonObject config = JsonParser.parseString(
        Files.readString(saved.resolve("config.json"), StandardCharsets.UTF_8)).getAsJsonObject();
    assertThat(config.get("model_type").getAsString()).isEqualTo(family);
    assertThat(config.getAsJsonArray("architectures").get(0).getAsString())
        .isEqualTo(type.sequenceClassificationArchitecture());
    String hiddenKey = type.configKeys().getOrDefault("hidden_size", "hidden_size");
    assertThat(config.get(hiddenKey).getAsInt()).isEqualTo(32);

    try (SequenceClassifier reloaded = Encoders.loader().strict(true).load(saved).classifier().build();
        NDManager m = reloaded.manager().newSubManager()) {
      assertThat(reloaded.config().modelType()).isSameAs(type);
      assertThat(reloaded.numLabels()).isEqualTo(3);
      for (ModelParameter p : reloaded.parameters().all()) {
        assertThat(p.parameter().getArray().toFloatArray()).as(p.hfName()).containsExactly(weights.get(p.hfName()));
      }
      assertThat(reloaded.forward(expected.batch(m), false).singletonOrThrow().toFloatArray())
          .containsExactly(logits);
    }
  }

  private static EncoderConfig model0Config(Path folder) {
    return EncoderConfig.fromJson(folder.resolve("config.json"));
  }

  @Test
  void distilBertReadsItsOwnConfigKeysAndHasNoTokenTypes() {
    Path folder = ParityFixtures.copy("distilbert", dir);
    EncoderConfig c = Encoders.load(folder).config();
    assertThat(c.hiddenSize()).isEqualTo(32);
    assertThat(c.numLayers()).isEqualTo(2);
    assertThat(c.numHeads()).isEqualTo(4);
    assertThat(c.intermediateSize()).isEqualTo(64);
    assertThat(c.classifierDropout()).as("seq_classif_dropout").isEqualTo(0.2f);
    assertThat(c.hiddenDropout()).as("dropout").isEqualTo(0.1f);
    try (SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      assertThat(model.encoder().embeddings().tokenTypeEmbeddings()).isNull();
      assertThat(model.parameters().find("embeddings.token_type_embeddings.weight")).isEmpty();
      assertThat(model.encoder().layer(0).query().name()).isEqualTo("transformer.layer.0.attention.q_lin");
      assertThat(model.head().pooler().orElseThrow().name()).isEqualTo("pre_classifier");
      assertThat(model.parameters().get("transformer.layer.1.ffn.lin1.weight").address().layer()).isEqualTo(1);
      assertThat(model.parameters().get("pre_classifier.weight").address().isHead()).isTrue();
      assertThat(model.parameters().get("transformer.layer.0.sa_layer_norm.weight").address().role())
          .isEqualTo(dev.finetune.schedules.ParameterRole.LAYER_NORM);
    }
  }

  @Test
  void distilBertSinusoidalPositionsAreHuggingFacesTable() {
    Path folder = ParityFixtures.copy("distilbert", dir);
    HostTensor saved = Encoders.load(folder).weights().get("embeddings.position_embeddings.weight");
    float[] table = DistilBertFamily.sinusoidalTable(24, 32);
    assertThat(maxAbsDiff(saved.data(), table)).as("float16 rounding of the same table")
        .isLessThan(1e-3);
    EncoderConfig sinusoidal = EncoderConfig.fromJson(
        "{\"model_type\": \"distilbert\", \"vocab_size\": 48, \"dim\": 32, \"n_layers\": 1,"
            + " \"n_heads\": 4, \"hidden_dim\": 64, \"max_position_embeddings\": 24,"
            + " \"sinusoidal_pos_embds\": true}");
    EncoderConfig learned = EncoderConfig.fromJson(
        sinusoidal.toJson().replace("\"sinusoidal_pos_embds\": true", "\"sinusoidal_pos_embds\": false"));
    try (SequenceClassifier fresh = SequenceClassifier.randomInit(sinusoidal, 2, 1, Device.cpu());
        SequenceClassifier random = SequenceClassifier.randomInit(learned, 2, 1, Device.cpu())) {
      assertThat(fresh.encoder().embeddings().positionEmbeddings().getArray().toFloatArray())
          .containsExactly(table);
      assertThat(random.encoder().embeddings().positionEmbeddings().getArray().toFloatArray())
          .isNotEqualTo(table);
    }
    assertThat(table[1]).as("cos(0)").isEqualTo(1f);
    assertThat(table[32]).as("sin(1)").isEqualTo((float) Math.sin(1));
  }

  /** A SentencePiece-style Unigram tokenizer.json as XLM-RoBERTa's: Metaspace, template pairs. */
  static String unigramTokenizerJson() {
    String[][] pieces = {
      {"<s>", "0"}, {"<pad>", "0"}, {"</s>", "0"}, {"<unk>", "0"}, {"\u2581the", "-2"},
      {"\u2581good", "-3"}, {"\u2581movie", "-3.5"}, {"\u2581film", "-3.5"}, {"s", "-4"},
      {"\u2581", "-5"}, {"\u2581bad", "-3"}, {"\u2581not", "-3.2"}, {"\u2581a", "-2.5"},
      {"ing", "-4"}, {"\u2581was", "-3"}, {"e", "-6"}, {"f", "-6"}, {"i", "-6"}, {"l", "-6"},
      {"m", "-6"}, {"<mask>", "0"}
    };
    StringBuilder vocab = new StringBuilder();
    for (String[] p : pieces) {
      vocab.append(vocab.length() == 0 ? "" : ",").append("[\"").append(p[0]).append("\",")
          .append(p[1]).append(']');
    }
    String special = "{\"id\":%d,\"content\":\"%s\",\"single_word\":false,\"lstrip\":false,"
        + "\"rstrip\":false,\"normalized\":false,\"special\":true}";
    String added = String.join(",", String.format(special, 0, "<s>"),
        String.format(special, 1, "<pad>"), String.format(special, 2, "</s>"),
        String.format(special, 3, "<unk>"), String.format(special, 20, "<mask>"));
    String cls = "{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":0}}";
    String sep = "{\"SpecialToken\":{\"id\":\"</s>\",\"type_id\":0}}";
    String a = "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}";
    String b = "{\"Sequence\":{\"id\":\"B\",\"type_id\":0}}";
    String metaspace = "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"always\",\"split\":true}";
    return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[" + added
        + "],\"normalizer\":null,\"pre_tokenizer\":" + metaspace
        + ",\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[" + cls + "," + a + ","
        + sep + "],\"pair\":[" + cls + "," + a + "," + sep + "," + sep + "," + b + "," + sep
        + "],\"special_tokens\":{\"<s>\":{\"id\":\"<s>\",\"ids\":[0],\"tokens\":[\"<s>\"]},"
        + "\"</s>\":{\"id\":\"</s>\",\"ids\":[2],\"tokens\":[\"</s>\"]}}},\"decoder\":" + metaspace
        + ",\"model\":{\"type\":\"Unigram\",\"unk_id\":3,\"vocab\":[" + vocab
        + "],\"byte_fallback\":false}}";
  }

  @Test
  void aUnigramTokenizerEncodesPairsWithRobertasDoubleSeparator() throws IOException {
    Path folder = ParityFixtures.copy("xlm-roberta", dir);
    Files.writeString(folder.resolve("tokenizer.json"), unigramTokenizerJson());
    PretrainedEncoder encoder = Encoders.loader().strict(true).load(folder);
    try (HuggingFaceTokenizer tokenizer = encoder.newTokenizer()) {
      Encoding single = tokenizer.encode("the good film");
      assertThat(single.getIds()).containsExactly(0, 4, 5, 7, 2);
      Encoding pair = tokenizer.encode("good movie", "bad films");
      assertThat(pair.getTokens())
          .containsExactly("<s>", "\u2581good", "\u2581movie", "</s>", "</s>", "\u2581bad", "\u2581film", "s", "</s>");
      assertThat(pair.getIds()).containsExactly(0, 5, 6, 2, 2, 10, 7, 8, 2);
      try (SequenceClassifier model = encoder.classifier().build();
          NDManager m = model.manager().newSubManager()) {
        long[] ids = pair.getIds();
        float[] logits = model.forward(new ai.djl.ndarray.NDList(m.create(new long[][] {ids})), false)
            .singletonOrThrow().toFloatArray();
        assertThat(logits).hasSize(3).doesNotContain(Float.NaN);
      }
    }
  }
}
