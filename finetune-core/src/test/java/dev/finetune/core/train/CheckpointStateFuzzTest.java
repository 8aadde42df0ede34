package dev.finetune.core.train;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target: a resume checkpoint's {@code state.json} (whose checksum a hostile edit can
 * rewrite too), read by {@code Checkpoints.readState}, which checks every field the restore reads.
 * Only {@link IllegalStateException} naming the file and the field is accepted; any other
 * exception or a hang is a finding. Seeds: {@code CheckpointStateFuzzTestInputs/checkpointState/}
 * (replayed by every {@code mvn verify}); fuzzing: {@code .ci/fuzz} (docs/RELIABILITY.md).
 */
class CheckpointStateFuzzTest {

  private static final Path FILE = file();

  private static Path file() {
    try {
      Path dir = Files.createTempDirectory("fuzz-state");
      dir.toFile().deleteOnExit();
      return dir.resolve("state.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "15s")
  @Timeout(60) // seconds per input (the first also starts the engine): a longer one is a hang
  void checkpointState(byte[] data) throws IOException {
    Files.write(FILE, data);
    try {
      Checkpoints.readState(FILE);
    } catch (IllegalStateException expected) {
      // the documented failure
    }
  }
}
