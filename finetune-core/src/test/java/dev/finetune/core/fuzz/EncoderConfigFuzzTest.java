package dev.finetune.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.model.EncoderConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target: a {@code config.json} read by {@code EncoderConfig.fromJson}. Only the parser's documented exception is accepted; any other exception, an
 * OutOfMemoryError or a hang is a finding. Seeds: {@code EncoderConfigFuzzTestInputs/encoderConfig/} (replayed by every
 * {@code mvn verify}); fuzzing: {@code .ci/fuzz} (docs/RELIABILITY.md).
 */
class EncoderConfigFuzzTest {

  @FuzzTest(maxDuration = "15s")
  @Timeout(60) // seconds per input (the first also starts the engine): a longer one is a hang
  void encoderConfig(byte[] data) {
    try {
      EncoderConfig.fromJson(new String(data, StandardCharsets.UTF_8));
    } catch (CheckpointException expected) {
      // the documented failure, naming the file and the problem
    }
  }
}
