package dev.finetune.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finetune.core.data.DataException;
import dev.finetune.core.data.Tokenizers;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target: a {@code tokenizer.json} opened by {@code Tokenizers.padId} and {@code Tokenizers.open}. Only the parser's documented exception is accepted; any other exception, an
 * OutOfMemoryError or a hang is a finding. Seeds: {@code TokenizerJsonFuzzTestInputs/tokenizerJson/} (replayed by every
 * {@code mvn verify}); fuzzing: {@code .ci/fuzz} (docs/RELIABILITY.md).
 */
class TokenizerJsonFuzzTest {

  @FuzzTest(maxDuration = "15s")
  @Timeout(60) // seconds per input (the first also starts the engine): a longer one is a hang
  void tokenizerJson(byte[] data) {
    try {
      Path file = FuzzFiles.write("tokenizer.json", data);
      Tokenizers.padId(file);
      Tokenizers.open(file, 16).close();
    } catch (DataException expected) {
      // the documented failure, naming the file and the problem
    }
  }
}
