package dev.finetune.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.checkpoint.SafeTensors;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target: a safetensors file (header and body) read by {@code SafeTensors.read}. Only the parser's documented exception is accepted; any other exception, an
 * OutOfMemoryError or a hang is a finding. Seeds: {@code SafeTensorsFuzzTestInputs/safetensors/} (replayed by every
 * {@code mvn verify}); fuzzing: {@code .ci/fuzz} (docs/RELIABILITY.md).
 */
class SafeTensorsFuzzTest {

  @FuzzTest(maxDuration = "15s")
  @Timeout(60) // seconds per input (the first also starts the engine): a longer one is a hang
  void safetensors(byte[] data) {
    try {
      SafeTensors.read(FuzzFiles.write("model.safetensors", data));
    } catch (CheckpointException expected) {
      // the documented failure, naming the file and the problem
    }
  }
}
