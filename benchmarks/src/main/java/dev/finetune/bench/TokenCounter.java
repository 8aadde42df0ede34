package dev.finetune.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH auxiliary counter of real tokens processed: in throughput mode JMH reports it as the
 * secondary metric {@code tokens} in tokens per second, next to the primary ops/s.
 *
 * <pre>{@code
 * @Benchmark public void step(Model m, TokenCounter counter) { m.step(); counter.tokens += m.tokens; }
 * }</pre>
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class TokenCounter {

  /** Real tokens processed in this iteration. */
  public long tokens;

  /** Resets the count at the start of each iteration. */
  @Setup(Level.Iteration)
  public void reset() {
    tokens = 0;
  }
}
