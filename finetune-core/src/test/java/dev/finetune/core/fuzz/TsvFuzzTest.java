package dev.finetune.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finetune.core.data.DataException;
import dev.finetune.core.data.TextDatasetReader;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target: a TSV file without a header read by {@code TextDatasetReader.tsv()}. Only the parser's documented exception is accepted; any other exception, an
 * OutOfMemoryError or a hang is a finding. Seeds: {@code TsvFuzzTestInputs/tsv/} (replayed by every
 * {@code mvn verify}); fuzzing: {@code .ci/fuzz} (docs/RELIABILITY.md).
 */
class TsvFuzzTest {

  @FuzzTest(maxDuration = "15s")
  @Timeout(60) // seconds per input (the first also starts the engine): a longer one is a hang
  void tsv(byte[] data) {
    try {
      TextDatasetReader.tsv().header(false).text(0).label(1).read(FuzzFiles.write("data.tsv", data));
    } catch (DataException expected) {
      // the documented failure, naming the file and the problem
    }
  }
}
