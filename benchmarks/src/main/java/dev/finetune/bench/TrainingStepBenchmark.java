package dev.finetune.bench;

import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.FineTune;
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
 * One whole training step of the library's real loop ({@link SteppedFit}: forward, cross-entropy,
 * backward, global-norm clipping at 1.0, AdamW, gradient zeroing) per method and shape, on a
 * random model with every row full of real tokens. Tokens/s is the secondary metric
 * {@code tokens} (real text tokens; prompt tuning's 20 soft positions are not counted).
 *
 * <pre>{@code
 * bash benchmarks/run-jmh.sh TrainingStepBenchmark -p shape=small -p method=lora
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 8, time = 10)
public class TrainingStepBenchmark {

  /** Batches in one epoch of the benchmark's fit (the loop restarts epochs as needed). */
  static final int BATCHES_PER_EPOCH = 16;

  /** The model shape ({@code minilm}: 32 × 128, {@code small}: 8 × 32). */
  @Param({"small", "minilm"})
  public String shape;

  /** The fine-tuning method. */
  @Param({"full", "lora", "houlsby", "bitfit", "prompt"})
  public String method;

  private SequenceClassifier model;
  private SteppedFit fit;
  private long tokensPerStep;

  /** Builds the model and starts the loop, paused before its first step. */
  @Setup(Level.Trial)
  public void setUp() {
    ModelShape s = ModelShape.parse(shape);
    BenchMethod m = BenchMethod.parse(method);
    model = s.randomModel(42);
    TextDataset data = SyntheticText.filling(s.batch() * BATCHES_PER_EPOCH, s.length(), 1);
    FineTune chain = FineTune.of(model).epochs(100_000).batchSize(s.batch()).maxLength(s.length());
    m.transform().ifPresent(chain::peft);
    fit = SteppedFit.start(chain, data);
    tokensPerStep = (long) s.batch() * s.length();
  }

  /** Waits outside the timed region until the loop is ready for its next step. */
  @Setup(Level.Invocation)
  public void awaitReady() {
    fit.awaitReady();
  }

  /** Stops the loop and closes the model. */
  @TearDown(Level.Trial)
  public void tearDown() {
    fit.close();
    model.close();
  }

  /**
   * One training step.
   *
   * @param counter tokens
   * @return the step's loss
   */
  @Benchmark
  public double step(TokenCounter counter) {
    double loss = fit.step();
    counter.tokens += tokensPerStep;
    return loss;
  }
}
