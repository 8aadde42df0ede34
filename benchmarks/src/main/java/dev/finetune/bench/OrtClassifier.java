package dev.finetune.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ONNX Runtime side of {@link PredictBenchmark}: what a Java team would deploy without this
 * library. The embedded all-MiniLM-L6-v2's own ONNX graph runs in ONNX Runtime; tokenization
 * (the same DJL tokenizer), padding to the batch's longest row, mean pooling over the attention
 * mask and the linear head are plain Java.
 *
 * <pre>{@code
 * try (OrtClassifier ort = new OrtClassifier(onnxBytes, tokenizer, weight, bias, 2, true)) {
 *   float[][] logits = ort.logits(List.of("a fine film", "dull"));
 * }
 * }</pre>
 */
public final class OrtClassifier implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final float[] weight;
  private final float[] bias;
  private final int labels;
  private final int hidden;
  private final String hiddenOutput;
  private final boolean wantsTypeIds;

  /**
   * Opens a session.
   *
   * @param onnx the ONNX model (inputs input_ids, attention_mask[, token_type_ids]; an output of
   *     shape (batch, tokens, hidden))
   * @param tokenizer the tokenizer (thread-safe; not closed here)
   * @param weight the head's weight, (labels, hidden) row-major
   * @param bias the head's bias, (labels)
   * @param threads intra-op threads (inter-op: 1, sequential execution)
   * @param spin whether idle intra-op threads spin-wait (ONNX Runtime's default) or sleep at
   *     once, the counterpart of OpenMP's {@code OMP_WAIT_POLICY} ACTIVE / PASSIVE
   */
  public OrtClassifier(byte[] onnx, HuggingFaceTokenizer tokenizer, float[] weight, float[] bias,
      int threads, boolean spin) {
    this.env = OrtEnvironment.getEnvironment();
    this.tokenizer = tokenizer;
    this.weight = weight.clone();
    this.bias = bias.clone();
    this.labels = bias.length;
    this.hidden = weight.length / labels;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.addConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
      this.session = env.createSession(onnx, options);
      this.wantsTypeIds = session.getInputNames().contains("token_type_ids");
      this.hiddenOutput = hiddenStateOutput(session);
    } catch (OrtException e) {
      throw new IllegalStateException(
          "cannot open the ONNX model in ONNX Runtime: " + e.getMessage(), e);
    }
  }

  private String hiddenStateOutput(OrtSession s) throws OrtException {
    for (Map.Entry<String, NodeInfo> e : s.getOutputInfo().entrySet()) {
      if (e.getValue().getInfo() instanceof TensorInfo t && t.getShape().length == 3
          && t.getShape()[2] == hidden) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException("the ONNX model has no (batch, tokens, " + hidden
        + ") output; outputs: " + s.getOutputInfo().keySet());
  }

  /**
   * Logits of one batch: tokenized, padded to its longest row, encoded, mean-pooled, classified.
   *
   * @param texts the batch
   * @return one row of logits per text
   */
  public float[][] logits(List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts.toArray(String[]::new));
    int rows = encodings.length;
    int[] lengths = new int[rows];
    int padded = 0;
    for (int r = 0; r < rows; r++) {
      for (long m : encodings[r].getAttentionMask()) {
        lengths[r] += (int) m;
      }
      padded = Math.max(padded, lengths[r]);
    }
    long[] ids = new long[rows * padded];
    long[] mask = new long[rows * padded];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(encodings[r].getIds(), 0, ids, r * padded, lengths[r]);
      Arrays.fill(mask, r * padded, r * padded + lengths[r], 1L);
    }
    long[] shape = {rows, padded};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (wantsTypeIds) {
        inputs.put("token_type_ids",
            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[rows * padded]), shape));
      }
      try (OrtSession.Result result = session.run(inputs, Set.of(hiddenOutput))) {
        OnnxValue value = result.get(hiddenOutput).orElseThrow();
        FloatBuffer states = ((OnnxTensor) value).getFloatBuffer();
        return head(states, rows, padded, lengths);
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on a batch of " + rows + ": "
          + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Mean over the real tokens (padding sits at the end of each row), then the linear head. */
  private float[][] head(FloatBuffer states, int rows, int padded, int[] lengths) {
    float[][] out = new float[rows][labels];
    float[] pooled = new float[hidden];
    for (int r = 0; r < rows; r++) {
      Arrays.fill(pooled, 0f);
      for (int t = 0; t < lengths[r]; t++) {
        int base = (r * padded + t) * hidden;
        for (int h = 0; h < hidden; h++) {
          pooled[h] += states.get(base + h);
        }
      }
      for (int h = 0; h < hidden; h++) {
        pooled[h] /= lengths[r];
      }
      for (int c = 0; c < labels; c++) {
        float sum = bias[c];
        for (int h = 0; h < hidden; h++) {
          sum += pooled[h] * weight[c * hidden + h];
        }
        out[r][c] = sum;
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the ONNX Runtime session", e);
    }
  }
}
