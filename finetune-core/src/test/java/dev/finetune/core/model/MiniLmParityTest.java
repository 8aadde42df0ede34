package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.EmbeddedMiniLm;
import dev.finetune.testing.SharedResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our forward pass reproduces the PyTorch reference for all-MiniLM-L6-v2: same input ids, last
 * hidden state within 1e-4 max abs, mean-pooled cosine at least 0.99999 - from the HF-layout copy
 * and from the ONNX export inside the Maven artifact.
 */
class MiniLmParityTest {

  private static JsonObject reference;
  private static Path modelDir;

  @TempDir static Path cache;

  @BeforeAll
  static void readReference() throws IOException {
    modelDir = SharedResources.require("models/all-minilm-l6-v2/config.json").getParent();
    Path ref = SharedResources.require("reference/all-minilm-l6-v2-forward.json");
    reference = JsonParser.parseString(Files.readString(ref)).getAsJsonObject();
  }

  @Test
  void hfLayoutCopyMatchesReference() {
    PretrainedEncoder encoder = Encoders.loader().strict(true).load(modelDir);
    assertThat(encoder.loadReport().isClean()).isTrue();
    checkParity(encoder);
  }

  @Test
  void embeddedOnnxImportMatchesReference() {
    String previous = System.getProperty(EmbeddedMiniLm.CACHE_PROPERTY);
    System.setProperty(EmbeddedMiniLm.CACHE_PROPERTY, cache.toString());
    try {
      PretrainedEncoder encoder = Encoders.loader().strict(true).embeddedMiniLm();
      assertThat(encoder.source()).contains(cache.toString());
      checkParity(encoder);
    } finally {
      if (previous == null) {
        System.clearProperty(EmbeddedMiniLm.CACHE_PROPERTY);
      } else {
        System.setProperty(EmbeddedMiniLm.CACHE_PROPERTY, previous);
      }
    }
  }

  private static void checkParity(PretrainedEncoder encoder) {
    JsonArray sentences = reference.getAsJsonArray("sentences");
    long[][] ids = matrix(reference.getAsJsonArray("input_ids"));
    long[][] mask = matrix(reference.getAsJsonArray("attention_mask"));
    long[][] types = matrix(reference.getAsJsonArray("token_type_ids"));
    try (SequenceClassifier model = encoder.forSequenceClassification(2, Pooling.MEAN)) {
      for (int i = 0; i < sentences.size(); i++) {
        Encoding e = model.tokenizer().encode(sentences.get(i).getAsString());
        int real = (int) java.util.Arrays.stream(mask[i]).sum();
        assertThat(e.getIds()).containsExactly(java.util.Arrays.copyOf(ids[i], real));
      }
      try (NDManager batch = model.manager().newSubManager()) {
        NDList inputs =
            new NDList(batch.create(ids), batch.create(mask), batch.create(types));
        EncoderOutput out = model.encode(inputs);
        NDArray hidden = out.lastHiddenState();
        float[] ours = hidden.toFloatArray();
        float[] expected = flatten(reference.getAsJsonArray("last_hidden_state"));
        assertThat(ours).hasSize(expected.length);
        double maxAbs = 0;
        for (int i = 0; i < ours.length; i++) {
          maxAbs = Math.max(maxAbs, Math.abs(ours[i] - expected[i]));
        }
        assertThat(maxAbs).as("max |ours - torch| over last_hidden_state").isLessThan(1e-4);

        int h = (int) hidden.getShape().get(2);
        int t = ids[0].length;
        JsonArray pooledRef = reference.getAsJsonArray("mean_pooled_l2_normalized");
        for (int b = 0; b < ids.length; b++) {
          double[] pooled = new double[h];
          int n = 0;
          for (int j = 0; j < t; j++) {
            if (mask[b][j] == 1) {
              n++;
              for (int k = 0; k < h; k++) {
                pooled[k] += ours[(b * t + j) * h + k];
              }
            }
          }
          double dot = 0;
          double norm = 0;
          JsonArray r = pooledRef.get(b).getAsJsonArray();
          for (int k = 0; k < h; k++) {
            double v = pooled[k] / n;
            dot += v * r.get(k).getAsDouble();
            norm += v * v;
          }
          assertThat(dot / Math.sqrt(norm)).as("cosine, sentence %d", b).isGreaterThanOrEqualTo(0.99999);
        }
      }
    }
  }

  private static long[][] matrix(JsonArray rows) {
    long[][] out = new long[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      JsonArray row = rows.get(i).getAsJsonArray();
      out[i] = new long[row.size()];
      for (int j = 0; j < row.size(); j++) {
        out[i][j] = row.get(j).getAsLong();
      }
    }
    return out;
  }

  private static float[] flatten(JsonArray nested) {
    java.util.List<Float> values = new java.util.ArrayList<>();
    flattenInto(nested, values);
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static void flattenInto(JsonArray a, java.util.List<Float> out) {
    for (var e : a) {
      if (e.isJsonArray()) {
        flattenInto(e.getAsJsonArray(), out);
      } else {
        out.add(e.getAsFloat());
      }
    }
  }
}
