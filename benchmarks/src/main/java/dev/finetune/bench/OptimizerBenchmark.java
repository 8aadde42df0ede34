package dev.finetune.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.NoGradScope;
import dev.finetune.core.optim.Optimizer;
import dev.finetune.core.optim.Optimizers;
import dev.finetune.core.optim.ParameterUpdate;
import dev.finetune.core.params.ModelParameter;
import java.util.ArrayList;
import java.util.List;
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
 * The optimizer update alone: the library's AdamW (weight decay 0.01) over every parameter of a
 * random model of each {@link ModelShape} (MiniLM: 22.7 M values in 104 tensors with the head),
 * with fixed random gradients. Reported as milliseconds per update (average time); there are no
 * tokens here — divide a step's tokens by (step time) to see what share the update takes.
 *
 * <pre>{@code
 * bash benchmarks/run-jmh.sh OptimizerBenchmark -p shape=minilm
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 8, time = 5)
public class OptimizerBenchmark {

  /** The model shape. */
  @Param({"small", "minilm"})
  public String shape;

  private SequenceClassifier model;
  private NDManager manager;
  private Optimizer optimizer;
  private List<ModelParameter> parameters;
  private List<NDArray> gradients;

  /** Builds the model, the optimizer and one random gradient per parameter. */
  @Setup(Level.Trial)
  public void setUp() {
    model = ModelShape.parse(shape).randomModel(42);
    manager = model.manager().newSubManager();
    optimizer = Optimizers.adamW().create(manager);
    parameters = model.parameters().trainable();
    gradients = new ArrayList<>(parameters.size());
    manager.getEngine().setRandomSeed(3);
    for (ModelParameter p : parameters) {
      NDArray w = p.parameter().getArray();
      gradients.add(manager.randomNormal(0f, 1e-3f, w.getShape(), w.getDataType()));
    }
  }

  /** Closes everything. */
  @TearDown(Level.Trial)
  public void tearDown() {
    optimizer.close();
    manager.close();
    model.close();
  }

  /** One AdamW update of every parameter (learning rate 2e-5). */
  @SuppressWarnings("try") // the no-grad scope is only opened and closed
  @Benchmark
  public void adamW() {
    try (NoGradScope ignored = NoGradScope.enter()) {
      List<ParameterUpdate> updates = new ArrayList<>(parameters.size());
      for (int i = 0; i < parameters.size(); i++) {
        ModelParameter p = parameters.get(i);
        updates.add(new ParameterUpdate(p.hfName(), p.parameter().getArray(), gradients.get(i),
            2e-5, 0.01));
      }
      optimizer.step(updates);
    }
  }
}
