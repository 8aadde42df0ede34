package dev.finetune.core.fuzz;

import ai.djl.Device;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.checkpoint.SafeTensors;
import dev.finetune.core.method.MethodCheckpoint;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.SequenceClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target: an {@code adapter_config.json} (next to an empty adapter_model.safetensors) loaded onto a tiny model by {@code MethodCheckpoint.load}. Only the parser's documented exception is accepted; any other exception, an
 * OutOfMemoryError or a hang is a finding. Seeds: {@code AdapterConfigFuzzTestInputs/adapterConfig/} (replayed by every
 * {@code mvn verify}); fuzzing: {@code .ci/fuzz} (docs/RELIABILITY.md).
 */
class AdapterConfigFuzzTest {

  @FuzzTest(maxDuration = "15s")
  @Timeout(60) // seconds per input (the first also starts the engine): a longer one is a hang
  void adapterConfig(byte[] data) {
    try {
      Path dir = FuzzFiles.write("adapter/" + MethodCheckpoint.CONFIG, data).getParent();
      if (!Files.exists(dir.resolve(MethodCheckpoint.WEIGHTS))) {
        SafeTensors.write(dir.resolve(MethodCheckpoint.WEIGHTS), Map.of());
      }
      try (SequenceClassifier model =
          SequenceClassifier.randomInit(EncoderConfig.tiny(), 2, 1, Device.cpu())) {
        MethodCheckpoint.load(model, dir);
      }
    } catch (IllegalArgumentException | CheckpointException expected) {
      // the documented failure, naming the file and the problem
    }
  }
}
