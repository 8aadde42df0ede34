package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.checkpoint.HfCheckpoint;
import dev.finetune.core.families.MiniBertFamily;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The family registry, and the facts each built-in family declares. */
class ModelTypesTest {

  @Test
  void looksFamiliesUpByModelTypeIgnoringCase() {
    assertThat(ModelType.fromHf("bert")).isSameAs(ModelType.BERT).isInstanceOf(BertFamily.class);
    assertThat(ModelType.fromHf("RoBERTa")).isSameAs(ModelType.ROBERTA).isInstanceOf(RobertaFamily.class);
    assertThat(ModelTypes.names()).startsWith("bert", "roberta");
    assertThat(ModelTypes.all()).startsWith(ModelType.BERT, ModelType.ROBERTA);
  }

  @Test
  void unknownModelTypeNamesTheRegisteredOnesAndHowToAddOne() {
    assertThatThrownBy(() -> ModelType.fromHf("gpt2"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("model_type \"gpt2\" is not supported")
        .hasMessageContaining(ModelTypes.names().toString())
        .hasMessageContaining("ModelTypes.register")
        .hasMessageContaining("META-INF/services/dev.finetune.core.model.ModelType");
    assertThatThrownBy(() -> EncoderConfig.fromJson("{\"vocab_size\": 10}"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("no model_type")
        .hasMessageContaining("bert")
        .hasMessageContaining("roberta");
    assertThatThrownBy(() -> EncoderConfig.fromJson("{\"model_type\": null}"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("no model_type");
  }

  @Test
  void aRegisteredFamilyIsFoundAndItsPrefixStripped() {
    MiniBertFamily family = new MiniBertFamily("registered-in-test", "registered_in_test.");
    ModelTypes.register(family);
    assertThat(ModelType.fromHf("Registered-In-Test")).isSameAs(family);
    assertThat(ModelTypes.checkpointPrefixes()).contains("registered_in_test.");
    assertThat(HfCheckpoint.stripPrefix("registered_in_test.encoder.layer.0.output.dense.weight"))
        .isEqualTo("encoder.layer.0.output.dense.weight");
    assertThat(HfCheckpoint.stripPrefix("roberta.pooler.dense.bias")).isEqualTo("pooler.dense.bias");
  }

  @Test
  void aSecondFamilyForARegisteredNameIsRefused() {
    assertThatThrownBy(() -> ModelTypes.register(new MiniBertFamily("BERT", "other.")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model_type \"bert\" is already registered by " + BertFamily.class.getName());
    assertThatThrownBy(() -> ModelTypes.register(ModelType.ROBERTA))
        .hasMessageContaining("\"roberta\" is already registered");
    assertThat(ModelType.fromHf("bert")).isSameAs(ModelType.BERT);
    assertThat(ModelTypes.checkpointPrefixes()).doesNotContain("other.");
  }

  @Test
  void malformedFamiliesAreRefused() {
    assertThatThrownBy(() -> ModelTypes.register(new MiniBertFamily("no-dot", "nodot")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checkpointPrefix() must be a name followed by a dot")
        .hasMessageContaining("\"nodot\"");
    assertThatThrownBy(() -> ModelTypes.register(new MiniBertFamily(" ", "blank.")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank model_type");
    assertThatThrownBy(() -> ModelType.fromHf("no-dot")).isInstanceOf(CheckpointException.class);
  }

  @Test
  void bertDeclaresItsFacts() {
    ModelType bert = ModelType.BERT;
    assertThat(bert.hfName()).isEqualTo("bert");
    assertThat(bert.hfNames()).containsExactly("bert");
    assertThat(bert.checkpointPrefix()).isEqualTo("bert.");
    assertThat(bert.sequenceClassificationArchitecture()).isEqualTo("BertForSequenceClassification");
    assertThat(bert.positionIds()).isEqualTo(PositionIds.SEQUENTIAL);
    assertThat(bert.positionIds().firstPosition(1)).isZero();
    assertThat(bert.headLayout()).isEqualTo(new HeadLayout("pooler.dense", "classifier", false));
    assertThat(bert.defaultPooling(Set.of("pooler.dense.weight", "pooler.dense.bias")))
        .isEqualTo(Pooling.CLS_POOLER);
    assertThat(bert.defaultPooling(Set.of("embeddings.word_embeddings.weight"))).isEqualTo(Pooling.MEAN);
    assertThat(bert.defaultLoraTargets()).containsExactly("query", "value");
    assertThat(bert.defaultIa3Targets()).containsExactly("key", "value", "output.dense");
    assertThat(bert.defaultIa3FeedForward()).containsExactly("output.dense");
    EncoderConfig.Builder b = EncoderConfig.builder().vocabSize(10);
    bert.applyConfigDefaults(b);
    assertThat(b.build().typeVocabSize()).isEqualTo(2);
    assertThat(b.build().layerNormEps()).isEqualTo(1e-12);
  }

  @Test
  void robertaDeclaresItsFacts() {
    ModelType roberta = ModelType.ROBERTA;
    assertThat(roberta.hfName()).isEqualTo("roberta");
    assertThat(roberta.checkpointPrefix()).isEqualTo("roberta.");
    assertThat(roberta.sequenceClassificationArchitecture()).isEqualTo("RobertaForSequenceClassification");
    assertThat(roberta.positionIds()).isEqualTo(PositionIds.PADDING_AWARE);
    assertThat(roberta.positionIds().firstPosition(1)).isEqualTo(2);
    assertThat(roberta.headLayout())
        .isEqualTo(new HeadLayout("classifier.dense", "classifier.out_proj", true));
    assertThat(roberta.headLayout().outputName(Pooling.MEAN)).isEqualTo("classifier");
    assertThat(roberta.defaultPooling(Set.of())).isEqualTo(Pooling.CLS_POOLER);
    assertThat(roberta.defaultLoraTargets()).containsExactly("query", "value");
    assertThat(roberta.defaultIa3Targets()).containsExactly("key", "value", "output.dense");
    assertThat(roberta.defaultIa3FeedForward()).containsExactly("output.dense");
    EncoderConfig.Builder b = EncoderConfig.builder().vocabSize(10);
    roberta.applyConfigDefaults(b);
    EncoderConfig c = b.modelType(roberta).build();
    assertThat(List.of(c.padTokenId(), c.typeVocabSize(), c.maxPositionEmbeddings()))
        .containsExactly(1, 1, 514);
    assertThat(c.layerNormEps()).isEqualTo(1e-5);
    assertThat(c.maxSequenceLength()).isEqualTo(512);
  }

  @Test
  void xlmRobertaAndCamembertAreRobertaUnderTheirOwnNames() {
    ModelType xlmr = ModelType.fromHf("XLM-RoBERTa");
    ModelType camembert = ModelType.fromHf("camembert");
    assertThat(ModelTypes.names()).contains("xlm-roberta", "camembert", "distilbert");
    assertThat(xlmr).isInstanceOf(XlmRobertaFamily.class).isNotSameAs(camembert);
    assertThat(xlmr.sequenceClassificationArchitecture()).isEqualTo("XLMRobertaForSequenceClassification");
    assertThat(camembert.sequenceClassificationArchitecture()).isEqualTo("CamembertForSequenceClassification");
    for (ModelType t : List.of(xlmr, camembert)) {
      assertThat(t.checkpointPrefix()).isEqualTo("roberta.");
      assertThat(t.positionIds()).isEqualTo(PositionIds.PADDING_AWARE);
      assertThat(t.headLayout()).isEqualTo(ModelType.ROBERTA.headLayout());
      assertThat(t.encoderLayout()).isEqualTo(EncoderLayout.BERT);
      assertThat(t.defaultLoraTargets()).containsExactly("query", "value");
      assertThat(t.pretrainingHeads()).containsExactly("lm_head.");
      assertThat(EncoderConfig.fromJson("{\"model_type\": \"" + t.hfName() + "\", \"vocab_size\": 50}")
          .padTokenId()).isEqualTo(1);
    }
    assertThat(ModelTypes.checkpointPrefixes()).containsOnlyOnce("roberta.");
  }

  @Test
  void distilBertDeclaresItsFacts() {
    ModelType d = ModelType.fromHf("distilbert");
    assertThat(d.checkpointPrefix()).isEqualTo("distilbert.");
    assertThat(d.sequenceClassificationArchitecture()).isEqualTo("DistilBertForSequenceClassification");
    assertThat(d.positionIds()).isEqualTo(PositionIds.SEQUENTIAL);
    assertThat(d.headLayout())
        .isEqualTo(new HeadLayout("pre_classifier", "classifier", false, HeadLayout.Activation.RELU));
    assertThat(d.defaultPooling(Set.of())).isEqualTo(Pooling.CLS_POOLER);
    assertThat(d.defaultLoraTargets()).containsExactly("q_lin", "v_lin");
    assertThat(d.defaultIa3Targets()).containsExactly("k_lin", "v_lin", "lin2");
    assertThat(d.defaultIa3FeedForward()).containsExactly("lin2");
    assertThat(d.pretrainingHeads()).containsExactly("vocab_transform.", "vocab_layer_norm.", "vocab_projector.");
    EncoderLayout layout = d.encoderLayout();
    assertThat(layout.layer(2) + layout.attentionOutput()).isEqualTo("transformer.layer.2.attention.out_lin");
    assertThat(List.of(layout.attentionNorm(), layout.intermediate(), layout.output(), layout.outputNorm()))
        .containsExactly("sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm");
    assertThat(layout.tokenTypes()).isFalse();
    assertThat(layout.attentionOutputDropout()).isFalse();
    EncoderConfig c = EncoderConfig.fromJson("{\"model_type\": \"distilbert\", \"vocab_size\": 50,"
        + " \"dim\": 16, \"n_layers\": 3, \"n_heads\": 2, \"hidden_dim\": 40,"
        + " \"activation\": \"relu\", \"dropout\": 0.05, \"attention_dropout\": 0.15}");
    assertThat(List.of(c.hiddenSize(), c.numLayers(), c.numHeads(), c.intermediateSize()))
        .containsExactly(16, 3, 2, 40);
    assertThat(c.hiddenAct()).isEqualTo(HiddenActivation.RELU);
    assertThat(List.of(c.hiddenDropout(), c.attentionDropout(), c.classifierDropout()))
        .containsExactly(0.05f, 0.15f, 0.2f);
    JsonObject saved = c.toJsonObject();
    assertThat(saved.get("dim").getAsInt()).isEqualTo(16);
    assertThat(saved.get("n_layers").getAsInt()).isEqualTo(3);
    assertThat(saved.get("seq_classif_dropout").getAsFloat()).isEqualTo(0.2f);
    assertThat(saved.has("hidden_size")).as("DistilBERT's own keys only").isFalse();
    assertThat(layout.layerIndex("transformer.layer.12.ffn.lin1.weight")).isEqualTo(12);
    assertThat(layout.layerIndex("encoder.layer.1.output.dense.weight")).isEqualTo(-1);
  }

  @Test
  void modernBertDeclaresItsFacts() {
    ModelType d = ModelType.fromHf("ModernBERT");
    assertThat(d).isInstanceOf(ModernBertFamily.class);
    assertThat(d.checkpointPrefix()).isEqualTo("model.");
    assertThat(d.sequenceClassificationArchitecture()).isEqualTo("ModernBertForSequenceClassification");
    assertThat(d.tokenClassificationArchitecture()).isEqualTo("ModernBertForTokenClassification");
    assertThat(d.headLayout()).isEqualTo(new HeadLayout("head.dense", "classifier", false,
        HeadLayout.Activation.GELU, "head.norm", true));
    assertThat(d.defaultLoraTargets()).containsExactly("Wqkv");
    assertThat(d.defaultIa3Targets()).containsExactly("Wqkv", "mlp.Wo");
    assertThat(d.defaultIa3FeedForward()).containsExactly("mlp.Wo");
    assertThat(d.pretrainingHeads()).containsExactly("decoder.");
    assertThat(d.encoderTopModules()).containsExactly("final_norm.");
    assertThat(d.encoderLayout().layer(2)).isEqualTo("layers.2.");
    assertThat(ModelTypes.checkpointPrefixes()).contains("model.");
    assertThat(ModelTypes.headModules()).contains("head.dense.", "head.norm.");
    EncoderConfig defaults = EncoderConfig.fromJson("{\"model_type\": \"modernbert\"}");
    assertThat(List.of(defaults.vocabSize(), defaults.hiddenSize(), defaults.numLayers(),
        defaults.intermediateSize(), defaults.maxPositionEmbeddings(), defaults.padTokenId()))
        .as("ModernBertConfig's defaults").containsExactly(50368, 768, 22, 1152, 8192, 50283);
    assertThat(d.defaultPooling(defaults, Set.of())).isEqualTo(Pooling.CLS_POOLER);
    assertThat(d.hasBias(defaults, "layers.1.attn.Wqkv")).isFalse();
    assertThat(d.hasBias(defaults, "classifier")).isTrue();
    EncoderConfig c = EncoderConfig.fromJson("{\"model_type\": \"modernbert\", \"vocab_size\": 50,"
        + " \"hidden_size\": 16, \"num_hidden_layers\": 3, \"num_attention_heads\": 2,"
        + " \"intermediate_size\": 40, \"hidden_activation\": \"gelu_pytorch_tanh\","
        + " \"norm_eps\": 1e-6, \"attention_dropout\": 0.15, \"mlp_dropout\": 0.05,"
        + " \"pad_token_id\": 3, \"mlp_bias\": true, \"classifier_pooling\": \"mean\"}");
    assertThat(c.hiddenAct()).isEqualTo(HiddenActivation.GELU_NEW);
    assertThat(c.layerNormEps()).isEqualTo(1e-6);
    assertThat(List.of(c.hiddenDropout(), c.attentionDropout())).containsExactly(0.05f, 0.15f);
    assertThat(d.hasBias(c, "layers.1.mlp.Wi")).isTrue();
    assertThat(d.defaultPooling(c, Set.of())).isEqualTo(Pooling.MEAN);
    JsonObject saved = c.toJsonObject();
    assertThat(saved.get("norm_eps").getAsDouble()).isEqualTo(1e-6);
    assertThat(saved.get("hidden_activation").getAsString()).isEqualTo("gelu_new");
    assertThat(saved.has("layer_norm_eps")).as("ModernBERT's own keys only").isFalse();
  }

  @Test
  void positionsThatLeaveNoRoomAreRefusedNamingTheFamily() {
    assertThatThrownBy(
            () -> EncoderConfig.builder().modelType(ModelType.ROBERTA).padTokenId(1)
                .maxPositionEmbeddings(2).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("roberta positions start at pad_token_id + 1 = 2")
        .hasMessageContaining("max_position_embeddings 2");
  }
}
