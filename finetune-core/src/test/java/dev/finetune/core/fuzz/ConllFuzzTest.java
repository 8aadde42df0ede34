package dev.finetune.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finetune.core.data.DataException;
import dev.finetune.core.data.tokens.TokenReader;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target: a CoNLL file read by {@code TokenReader.conll()}. Only the parser's documented exception is accepted; any other exception, an
 * OutOfMemoryError or a hang is a finding. Seeds: {@code ConllFuzzTestInputs/conll/} (replayed by every
 * {@code mvn verify}); fuzzing: {@code .ci/fuzz} (docs/RELIABILITY.md).
 */
class ConllFuzzTest {

  @FuzzTest(maxDuration = "15s")
  @Timeout(60) // seconds per input (the first also starts the engine): a longer one is a hang
  void conll(byte[] data) {
    try {
      TokenReader.conll().read(FuzzFiles.write("data.conll", data));
    } catch (DataException expected) {
      // the documented failure, naming the file and the problem
    }
  }
}
