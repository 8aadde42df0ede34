package dev.finetune.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.NoGradScope;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.train.Losses;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The encoder's hot path on a random model of each {@link ModelShape} with every row full of
 * real tokens: {@code forward} is an evaluation forward (no autograd, no dropout, all layers and
 * the head); {@code forwardBackward} is a training forward with dropout, cross-entropy and
 * backward into every parameter, then gradient zeroing (no optimizer). Tokens/s is the secondary
 * metric {@code tokens}; per layer, multiply the time by 1/layers (the embeddings and head are
 * a small part).
 *
 * <pre>{@code
 * bash benchmarks/run-jmh.sh EncoderBenchmark -p shape=small
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 8, time = 5)
public class EncoderBenchmark {

  /** The model shape ({@code minilm}: 32 × 128, {@code small}: 8 × 32). */
  @Param({"small", "minilm"})
  public String shape;

  private SequenceClassifier model;
  private NDManager manager;
  private long[] ids;
  private long[] labels;
  private Shape batchShape;
  private long tokensPerBatch;

  /** Builds the model and a batch of random token ids. */
  @Setup(Level.Trial)
  public void setUp() {
    ModelShape s = ModelShape.parse(shape);
    model = s.randomModel(42);
    manager = model.manager().newSubManager();
    Random random = new Random(7);
    int vocab = s.config().vocabSize();
    ids = new long[s.batch() * s.length()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 5 + random.nextInt(vocab - 5);
    }
    labels = new long[s.batch()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 2;
    }
    batchShape = new Shape(s.batch(), s.length());
    tokensPerBatch = ids.length;
  }

  /** Closes the model. */
  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
    model.close();
  }

  private NDList inputs(NDManager m) {
    NDArray input = m.create(ids, batchShape);
    return new NDList(input, m.ones(batchShape, input.getDataType()), m.zeros(batchShape, input.getDataType()));
  }

  /**
   * Evaluation forward of one batch.
   *
   * @param counter tokens
   * @return a logit, so the work is not dead code
   */
  @SuppressWarnings("try") // the no-grad scope is only opened and closed
  @Benchmark
  public float forward(TokenCounter counter) {
    try (NDManager step = manager.newSubManager(); NoGradScope ignored = NoGradScope.enter()) {
      NDArray logits = model.forward(inputs(step), false).singletonOrThrow();
      counter.tokens += tokensPerBatch;
      return logits.getFloat(0, 0);
    }
  }

  /**
   * Training forward, cross-entropy and backward of one batch, then zeroing the gradients.
   *
   * @param counter tokens
   * @return the loss
   */
  @Benchmark
  public float forwardBackward(TokenCounter counter) {
    float value;
    try (NDManager step = manager.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray logits =
          model.forward(new ParameterStore(step, false), inputs(step), true).singletonOrThrow();
      NDArray loss = Losses.forHead(logits, step.create(labels));
      collector.backward(loss);
      value = loss.getFloat();
    }
    for (ModelParameter p : model.parameters().trainable()) {
      JniUtils.zeroGrad((PtNDArray) p.parameter().getArray());
    }
    counter.tokens += tokensPerBatch;
    return value;
  }
}
