package dev.finetune.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.method.MethodCheckpoint;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.predict.Prediction;
import dev.finetune.core.predict.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every head kind keeps its kind, label names and decision rule through each way of saving: the
 * whole model, an adapter folder and a merged model.
 */
class HeadKindsExportTest {

  private static final List<String> TEXTS =
      List.of("good movie", "the film was not very good !", "bad", "", "a movie");
  private static final double[] THRESHOLDS = {0.35, 0.6, 0.45};

  @TempDir Path dir;

  enum Save { FULL, ADAPTER, MERGED }

  private Path base() {
    Path base = dir.resolve("base");
    try (SequenceClassifier model = TinyFixtures.bert(2, 5)) {
      model.save(base);
    }
    return base;
  }

  private static SequenceClassifier head(Path base, ProblemType kind) {
    var builder = Encoders.load(base).classifier().freshHead(true).seed(9);
    return switch (kind) {
      case REGRESSION -> builder.regression().build();
      case MULTI_LABEL_CLASSIFICATION -> builder.multiLabel(3).build();
      default -> builder.numLabels(3).build();
    };
  }

  private static void perturb(SequenceClassifier model) {
    for (ModelParameter p : model.parameters().trainable()) {
      var a = p.parameter().getArray();
      a.addi(a.getManager().arange(0f, (float) p.size(), 1f).reshape(a.getShape())
          .muli(0.37f).sin().muli(0.5f));
    }
  }

  @ParameterizedTest
  @EnumSource(Save.class)
  void everyKindRoundTripsWithItsDecisionRule(Save how) throws IOException {
    Path base = base();
    for (ProblemType kind : ProblemType.values()) {
      if (kind.perToken()) {
        continue; // a token head answers with entities: TokenPredictionTest and TokenHeadMethodsTest
      }
      Path out = dir.resolve(how + "-" + kind.hfName());
      List<Prediction> before;
      try (SequenceClassifier model = head(base, kind)) {
        if (how != Save.FULL) {
          model.apply(Peft.lora());
        }
        perturb(model);
        if (kind != ProblemType.REGRESSION) {
          model.labelNames(List.of("joy", "anger", "fear"));
        }
        if (kind == ProblemType.MULTI_LABEL_CLASSIFICATION) {
          model.decisionThresholds(THRESHOLDS);
        }
        before = Predictor.of(model).predict(TEXTS);
        switch (how) {
          case FULL -> model.save(out);
          case ADAPTER -> MethodCheckpoint.save(model, out);
          default -> model.saveMerged(out);
        }
      }
      JsonObject config = JsonParser.parseString(Files.readString(out.resolve(
          how == Save.ADAPTER ? MethodCheckpoint.CONFIG : "config.json"))).getAsJsonObject();
      assertThat(config.get("problem_type").getAsString()).as(how + " " + kind)
          .isEqualTo(kind.hfName());
      assertThat(config.has(SequenceClassifier.THRESHOLDS_KEY))
          .isEqualTo(kind == ProblemType.MULTI_LABEL_CLASSIFICATION);
      try (Predictor loaded = Predictor.load(out)) {
        assertThat(loaded.problemType()).as(how + " " + kind).isEqualTo(kind);
        List<Prediction> after = loaded.predict(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
          assertThat(after.get(i).problemType()).isEqualTo(kind);
          assertThat(after.get(i).logits()).as(how + " " + kind)
              .containsExactly(before.get(i).logits(), within(how == Save.MERGED ? 1e-5f : 0f));
        }
        if (kind == ProblemType.MULTI_LABEL_CLASSIFICATION) {
          assertThat(loaded.decisionThresholds()).containsExactly(THRESHOLDS);
          assertThat(loaded.labelNames()).containsExactly("joy", "anger", "fear");
          for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(after.get(i).labels()).extracting(Prediction.LabelScore::label)
                .isEqualTo(before.get(i).labels().stream().map(Prediction.LabelScore::label)
                    .toList());
            float[] s = after.get(i).scores();
            assertThat(s[0]).isCloseTo((float) (1 / (1 + Math.exp(-after.get(i).logits()[0]))),
                within(1e-6f));
          }
        } else if (kind == ProblemType.REGRESSION) {
          assertThat(after.get(0).value()).isEqualTo(after.get(0).logits()[0]);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Save.class, names = {"FULL", "ADAPTER"})
  void foldersWithoutThresholdsLoadWithTheDefaultHalf(Save how) throws IOException {
    Path base = base();
    Path out = dir.resolve("old-" + how);
    try (SequenceClassifier model = head(base, ProblemType.MULTI_LABEL_CLASSIFICATION)) {
      if (how == Save.ADAPTER) {
        model.apply(Peft.lora());
        MethodCheckpoint.save(model, out);
      } else {
        model.save(out);
      }
    }
    Path file = out.resolve(how == Save.ADAPTER ? MethodCheckpoint.CONFIG : "config.json");
    JsonObject config = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    config.remove(SequenceClassifier.THRESHOLDS_KEY);
    Files.writeString(file, config.toString());
    try (Predictor loaded = Predictor.load(out)) {
      assertThat(loaded.problemType()).isEqualTo(ProblemType.MULTI_LABEL_CLASSIFICATION);
      assertThat(loaded.decisionThresholds()).containsExactly(0.5, 0.5, 0.5);
    }
  }
}
