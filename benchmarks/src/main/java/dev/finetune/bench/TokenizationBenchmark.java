package dev.finetune.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import dev.finetune.core.checkpoint.EmbeddedMiniLm;
import dev.finetune.core.data.BatchIterator;
import dev.finetune.core.data.Batches;
import dev.finetune.core.data.TextBatch;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.Tokenizers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tokenization and batching of 32 SST-2-like sentences ({@link SyntheticText#sst2Like}) at max
 * length 128 with all-MiniLM-L6-v2's real WordPiece tokenizer: tokenize, pad to the longest row,
 * build the id, mask, type and label tensors, all on the benchmark thread. Throughput is batches/s; the secondary metric
 * {@code tokens} is real tokens/s.
 *
 * <pre>{@code
 * bash benchmarks/run-jmh.sh TokenizationBenchmark
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dai.djl.offline=true"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 8, time = 5)
public class TokenizationBenchmark {

  private HuggingFaceTokenizer tokenizer;
  private Batches batches;
  private TextDataset sentences;
  private NDManager manager;

  /** Opens the tokenizer and builds the sentences. */
  @Setup(Level.Trial)
  public void setUp() {
    tokenizer = Tokenizers.open(EmbeddedMiniLm.directory().resolve("tokenizer.json"), 128);
    batches = Batches.builder(tokenizer).batchSize(32).maxLength(128).noShuffle().padId(0)
        .prefetch(0).build();
    sentences = SyntheticText.sst2Like(32, 11);
    manager = NDManager.newBaseManager();
  }

  /** Closes the tokenizer and the manager. */
  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
    tokenizer.close();
  }

  /**
   * Tokenizes and batches the 32 sentences.
   *
   * @param counter tokens
   * @return the padded length
   */
  @Benchmark
  public int batch32(TokenCounter counter) {
    try (NDManager step = manager.newSubManager();
        BatchIterator iterator = batches.iterator(sentences, step);
        TextBatch batch = iterator.next()) {
      counter.tokens += batch.realTokens();
      return batch.paddedLength();
    }
  }
}
