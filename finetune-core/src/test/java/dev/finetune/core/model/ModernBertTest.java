package dev.finetune.core.model;

import static dev.finetune.core.model.TinyFixtures.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.checkpoint.LoadReport;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.schedules.ParameterRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ModernBERT against an independent implementation: {@code parity/modernbert} is a 3-layer,
 * hidden-32 task checkpoint (layers 0 and 2 global, layer 1 local with {@code local_attention} 4,
 * no biases, float16, {@code model.} prefix, the masked-LM decoder) whose references come from
 * {@code make_parity.py}: a plain-PyTorch forward written from transformers'
 * {@code modeling_modernbert.py} (eager attention path: rotary embeddings, the 4-D padding mask and
 * the sliding-window mask, GeGLU, {@code ModernBertPredictionHead}), in eval mode, on a batch of
 * length 10 with padding. The PEFT methods on the same fixture are in finetune-peft's
 * {@code FamilyMethodsTest}.
 */
class ModernBertTest {

  private static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  @Test
  void loadsStrictlyAndMatchesTheReferenceForward() {
    Path folder = ParityFixtures.copy("modernbert", dir);
    ParityFixtures.Expected expected = ParityFixtures.expected(folder);
    PretrainedEncoder encoder = Encoders.loader().strict(true).load(folder);
    assertThat(encoder.config().modelType()).isInstanceOf(ModernBertFamily.class);
    LoadReport report = encoder.loadReport();
    assertThat(report.isClean()).isTrue();
    assertThat(report.head()).containsExactlyInAnyOrder(
        "head.dense.weight", "head.norm.weight", "classifier.weight", "classifier.bias");
    assertThat(report.skipped()).containsExactly("decoder.bias");
    try (SequenceClassifier model = encoder.classifier().build();
        NDManager m = model.manager().newSubManager()) {
      assertThat(model.numLabels()).isEqualTo(3);
      assertThat(model.head().pooling()).isEqualTo(Pooling.CLS_POOLER);
      assertThat(model.freshParameters()).isEmpty();
      assertThat(model.parameters().find("layers.0.attn_norm.weight")).as("identity").isEmpty();
      assertThat(model.parameters().all()).noneMatch(p -> p.hfName().endsWith(".bias")
          && !p.hfName().startsWith("classifier."));
      float[] hidden = model.encode(expected.batch(m)).lastHiddenState().toFloatArray();
      float[] logits = model.forward(expected.batch(m), false).singletonOrThrow().toFloatArray();
      assertThat(maxAbsDiff(hidden, expected.hidden())).as(expected.source())
          .isLessThanOrEqualTo(TOLERANCE);
      assertThat(maxAbsDiff(logits, expected.logits())).as(expected.source())
          .isLessThanOrEqualTo(TOLERANCE);
    }
  }

  @Test
  void meanPoolingAndTheTokenHeadRunModernBertsPredictionHead() throws IOException {
    Path folder = ParityFixtures.copy("modernbert", dir);
    JsonObject o = JsonParser.parseString(Files.readString(folder.resolve("expected.json")))
        .getAsJsonObject();
    ParityFixtures.Expected expected = ParityFixtures.expected(folder);
    JsonObject config = JsonParser.parseString(Files.readString(folder.resolve("config.json")))
        .getAsJsonObject();
    config.addProperty("classifier_pooling", "mean");
    Files.writeString(folder.resolve("config.json"), config.toString());
    PretrainedEncoder encoder = Encoders.loader().strict(true).load(folder);
    try (SequenceClassifier mean = encoder.classifier().build();
        SequenceClassifier tokens = encoder.classifier().tokenClassification(3).build();
        NDManager m = mean.manager().newSubManager()) {
      assertThat(mean.head().pooling()).as("classifier_pooling").isEqualTo(Pooling.MEAN);
      assertThat(maxAbsDiff(mean.forward(expected.batch(m), false).singletonOrThrow().toFloatArray(),
          floats(o.getAsJsonArray("logits_mean")))).isLessThanOrEqualTo(TOLERANCE);
      assertThat(maxAbsDiff(tokens.forward(expected.batch(m), false).singletonOrThrow().toFloatArray(),
          floats(o.getAsJsonArray("logits_token")))).isLessThanOrEqualTo(TOLERANCE);
    }
  }

  @Test
  void savesAsModernBertsTaskCheckpointAndReloadsEqual() throws IOException {
    Path folder = ParityFixtures.copy("modernbert", dir);
    ParityFixtures.Expected expected = ParityFixtures.expected(folder);
    Path saved = dir.resolve("saved");
    float[] logits;
    Map<String, float[]> weights = new LinkedHashMap<>();
    try (SequenceClassifier model =
            Encoders.loader().strict(true).load(folder).classifier().pooling(Pooling.MEAN).build();
        NDManager m = model.manager().newSubManager()) {
      logits = model.forward(expected.batch(m), false).singletonOrThrow().toFloatArray();
      for (ModelParameter p : model.parameters().all()) {
        weights.put(p.hfName(), p.parameter().getArray().toFloatArray());
      }
      model.save(saved);
    }
    Map<String, HostTensor> tensors = SafeTensors.read(saved.resolve("model.safetensors"));
    assertThat(tensors).containsKeys("model.embeddings.tok_embeddings.weight",
        "model.layers.1.attn.Wqkv.weight", "model.layers.2.mlp.Wi.weight", "model.final_norm.weight",
        "head.dense.weight", "head.norm.weight", "classifier.weight", "classifier.bias");
    JsonObject config = JsonParser.parseString(
        Files.readString(saved.resolve("config.json"), StandardCharsets.UTF_8)).getAsJsonObject();
    assertThat(config.get("model_type").getAsString()).isEqualTo("modernbert");
    assertThat(config.getAsJsonArray("architectures").get(0).getAsString())
        .isEqualTo("ModernBertForSequenceClassification");
    assertThat(config.get("classifier_pooling").getAsString()).as("what transformers reads")
        .isEqualTo("mean");
    assertThat(config.get("local_rope_theta").getAsDouble()).isEqualTo(100.0);
    assertThat(config.get("norm_eps").getAsDouble()).isEqualTo(1e-5);
    try (SequenceClassifier reloaded = Encoders.loader().strict(true).load(saved).classifier().build();
        NDManager m = reloaded.manager().newSubManager()) {
      assertThat(reloaded.head().pooling()).isEqualTo(Pooling.MEAN);
      for (ModelParameter p : reloaded.parameters().all()) {
        assertThat(p.parameter().getArray().toFloatArray()).as(p.hfName())
            .containsExactly(weights.get(p.hfName()));
      }
      assertThat(reloaded.forward(expected.batch(m), false).singletonOrThrow().toFloatArray())
          .containsExactly(logits);
    }
  }

  @Test
  void aLocalLayerSeesOnlyItsWindow() {
    EncoderConfig config = EncoderConfig.fromJson("{\"model_type\": \"modernbert\","
        + " \"vocab_size\": 48, \"hidden_size\": 16, \"num_hidden_layers\": 1,"
        + " \"num_attention_heads\": 2, \"intermediate_size\": 8, \"pad_token_id\": 3,"
        + " \"local_attention\": 4, \"layer_types\": [\"sliding_attention\"]}");
    try (SequenceClassifier model = SequenceClassifier.randomInit(config, 2, 5, Device.cpu());
        NDManager m = model.manager().newSubManager()) {
      assertThat(((ModernBertLayer) model.encoder().block(0)).isLocal()).isTrue();
      float[] a = model.encode(new NDList(m.create(new long[][] {{1, 5, 6, 7, 8, 9, 10, 2}})))
          .lastHiddenState().toFloatArray();
      float[] b = model.encode(new NDList(m.create(new long[][] {{1, 5, 6, 7, 8, 9, 11, 2}})))
          .lastHiddenState().toFloatArray();
      int h = 16;
      for (int pos = 0; pos < 8; pos++) {
        float[] ra = java.util.Arrays.copyOfRange(a, pos * h, pos * h + h);
        float[] rb = java.util.Arrays.copyOfRange(b, pos * h, pos * h + h);
        if (Math.abs(pos - 6) <= 2) {
          assertThat(ra).as("position %d is within 2 of the changed token", pos).isNotEqualTo(rb);
        } else {
          assertThat(ra).as("position %d is outside the window", pos).containsExactly(rb);
        }
      }
    }
  }

  @Test
  void familyFactsAddressesAndConfigErrors() {
    Path folder = ParityFixtures.copy("modernbert", dir);
    EncoderConfig c = Encoders.load(folder).config();
    assertThat(c.layerNormEps()).as("norm_eps").isEqualTo(1e-5);
    ModernBertFamily.Settings s = ModernBertFamily.Settings.of(c);
    assertThat(s.localLayers()).containsExactly(false, true, false);
    assertThat(s.globalTheta()).isEqualTo(160_000.0);
    assertThat(s.localTheta()).isEqualTo(100.0);
    try (SequenceClassifier model = Encoders.load(folder).classifier().build()) {
      assertThat(model.parameters().get("layers.1.attn.Wqkv.weight").address().layer()).isEqualTo(1);
      assertThat(model.parameters().get("layers.1.attn.Wqkv.weight").address().role())
          .isEqualTo(ParameterRole.ATTENTION);
      assertThat(model.parameters().get("layers.2.mlp.Wi.weight").address().role())
          .isEqualTo(ParameterRole.FFN);
      assertThat(model.parameters().get("final_norm.weight").address().layer())
          .as("the encoder's top, not the head").isEqualTo(2);
      assertThat(model.parameters().get("final_norm.weight").address().role())
          .isEqualTo(ParameterRole.LAYER_NORM);
      assertThat(model.parameters().get("embeddings.norm.weight").address().role())
          .isEqualTo(ParameterRole.LAYER_NORM);
      assertThat(model.parameters().get("head.norm.weight").address().isHead()).isTrue();
      assertThat(model.encoder().block(1).projections()).extracting(Projection::name)
          .containsExactly("layers.1.attn.Wqkv", "layers.1.attn.Wo", "layers.1.mlp.Wi", "layers.1.mlp.Wo");
      assertThat(model.encoder().block(0).keyValueProjections().get(0).outFeatures()).isEqualTo(96);
      assertThatThrownBy(() -> model.encoder().layer(0)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("block(0)");
    }
    assertThatThrownBy(() -> ModernBertFamily.Settings.of(EncoderConfig.fromJson(
        "{\"model_type\": \"modernbert\", \"vocab_size\": 48, \"hidden_size\": 16,"
            + " \"num_hidden_layers\": 1, \"num_attention_heads\": 2, \"pad_token_id\": 3,"
            + " \"classifier_activation\": \"silu\"}")))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("classifier_activation");
    assertThatThrownBy(() -> ModernBertFamily.Settings.of(EncoderConfig.fromJson(
        "{\"model_type\": \"modernbert\", \"vocab_size\": 48, \"hidden_size\": 16,"
            + " \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"pad_token_id\": 3,"
            + " \"layer_types\": [\"full_attention\"]}")))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("layer_types has 1 entries");
  }

  /** A byte-level BPE tokenizer.json as ModernBERT's (OLMo's): ByteLevel, [CLS] A [SEP] B [SEP]. */
  static String bpeTokenizerJson() {
    String[] tokens = {"[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]", "g", "o", "d", "\u0120", "m",
      "v", "i", "e", "b", "a", "f", "l", "s", "t", "h", "go", "goo", "good", "\u0120m", "\u0120mo",
      "\u0120mov", "\u0120movi", "\u0120movie", "ba", "bad", "\u0120f", "\u0120fi", "\u0120fil",
      "\u0120film", "n"};
    JsonObject vocab = new JsonObject();
    for (int i = 0; i < tokens.length; i++) {
      vocab.addProperty(tokens[i], i);
    }
    JsonArray merges = new JsonArray();
    for (String merge : new String[] {"g o", "go o", "goo d", "\u0120 m", "\u0120m o",
        "\u0120mo v", "\u0120mov i", "\u0120movi e", "b a", "ba d", "\u0120 f", "\u0120f i",
        "\u0120fi l", "\u0120fil m"}) {
      merges.add(merge);
    }
    String special = "{\"id\":%d,\"content\":\"%s\",\"single_word\":false,\"lstrip\":false,"
        + "\"rstrip\":false,\"normalized\":false,\"special\":true}";
    String added = String.join(",", String.format(special, 0, "[UNK]"),
        String.format(special, 1, "[CLS]"), String.format(special, 2, "[SEP]"),
        String.format(special, 3, "[PAD]"), String.format(special, 4, "[MASK]"));
    String cls = "{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}}";
    String sep = "{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}}";
    String a = "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}";
    String b = "{\"Sequence\":{\"id\":\"B\",\"type_id\":0}}";
    String byteLevel = "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,"
        + "\"use_regex\":true}";
    return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[" + added
        + "],\"normalizer\":null,\"pre_tokenizer\":" + byteLevel
        + ",\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[" + cls + "," + a + ","
        + sep + "],\"pair\":[" + cls + "," + a + "," + sep + "," + b + "," + sep
        + "],\"special_tokens\":{\"[CLS]\":{\"id\":\"[CLS]\",\"ids\":[1],\"tokens\":[\"[CLS]\"]},"
        + "\"[SEP]\":{\"id\":\"[SEP]\",\"ids\":[2],\"tokens\":[\"[SEP]\"]}}},\"decoder\":" + byteLevel
        + ",\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,"
        + "\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":false,"
        + "\"byte_fallback\":false,\"vocab\":" + vocab + ",\"merges\":" + merges + "}}";
  }

  @Test
  void aByteLevelBpeTokenizerEncodesPairsAndRunsThroughTheModel() throws IOException {
    Path folder = ParityFixtures.copy("modernbert", dir);
    Files.writeString(folder.resolve("tokenizer.json"), bpeTokenizerJson());
    PretrainedEncoder encoder = Encoders.loader().strict(true).load(folder);
    try (HuggingFaceTokenizer tokenizer = encoder.newTokenizer()) {
      assertThat(tokenizer.encode("good movie").getIds()).containsExactly(1, 22, 27, 2);
      Encoding pair = tokenizer.encode("good movie", "bad films");
      assertThat(pair.getTokens()).containsExactly(
          "[CLS]", "good", "\u0120movie", "[SEP]", "bad", "\u0120film", "s", "[SEP]");
      assertThat(pair.getIds()).containsExactly(1, 22, 27, 2, 29, 33, 17, 2);
      try (SequenceClassifier model = encoder.classifier().build();
          NDManager m = model.manager().newSubManager()) {
        float[] logits = model.forward(new NDList(m.create(new long[][] {pair.getIds()})), false)
            .singletonOrThrow().toFloatArray();
        assertThat(logits).hasSize(3).doesNotContain(Float.NaN);
      }
    }
  }

  private static float[] floats(JsonArray values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).getAsFloat();
    }
    return out;
  }
}
