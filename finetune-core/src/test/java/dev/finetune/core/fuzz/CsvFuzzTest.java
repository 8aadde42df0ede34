package dev.finetune.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finetune.core.data.DataException;
import dev.finetune.core.data.TextDatasetReader;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target: a CSV file with a header read by {@code TextDatasetReader.csv()}. Only the parser's documented exception is accepted; any other exception, an
 * OutOfMemoryError or a hang is a finding. Seeds: {@code CsvFuzzTestInputs/csv/} (replayed by every
 * {@code mvn verify}); fuzzing: {@code .ci/fuzz} (docs/RELIABILITY.md).
 */
class CsvFuzzTest {

  @FuzzTest(maxDuration = "15s")
  @Timeout(60) // seconds per input (the first also starts the engine): a longer one is a hang
  void csv(byte[] data) {
    try {
      TextDatasetReader.csv().text("text").label("label").read(FuzzFiles.write("data.csv", data));
    } catch (DataException expected) {
      // the documented failure, naming the file and the problem
    }
  }
}
