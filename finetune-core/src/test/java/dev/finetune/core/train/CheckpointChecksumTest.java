package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.TrainingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of a resume checkpoint is listed with its SHA-256 in {@code checksums.sha256}; a
 * flipped byte in any of them fails the resume naming the file and calling the checkpoint corrupt.
 */
class CheckpointChecksumTest {

  @RegisterExtension static final TinyTokenizer TOKENIZER = new TinyTokenizer();

  @TempDir Path dir;

  private TrainingReport fit() {
    try (SequenceClassifier model = TinySetup.model(0.1f, 23)) {
      return FineTune.of(model).tokenizer(TOKENIZER.get()).learningRate(2e-3).epochs(1).batchSize(8)
          .progressBar(false).checkpoints(dir.resolve("ckpt"), 0)
          .fit(TinySetup.toyTask("toy", 24, 31), TinySetup.toyTask("dev", 8, 32));
    }
  }

  @Test
  void everyFileIsListedWithItsChecksum() throws Exception {
    fit();
    List<String> lines = Files.readAllLines(dir.resolve("ckpt/last/" + Checkpoints.CHECKSUMS));
    assertThat(lines).extracting(l -> l.substring(66))
        .containsExactlyInAnyOrder("weights.ndlist", "optimizer.bin", "state.json");
    assertThat(lines).allMatch(l -> l.matches("[0-9a-f]{64}  \\S+"));
    assertThat(fit().epochs()).hasSize(1); // intact: resumes (nothing left to train)
  }

  @Test
  void aFlippedByteInAnyFileFailsNamingTheFile() throws Exception {
    fit();
    for (String name : List.of("weights.ndlist", "optimizer.bin", "state.json")) {
      Path file = dir.resolve("ckpt/last/" + name);
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length / 2] ^= 0x01;
      Files.write(file, bytes);
      assertThatThrownBy(this::fit)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("checkpoint file " + file.toAbsolutePath() + " is corrupt: its SHA-256 is")
          .hasMessageContaining("Delete " + file.toAbsolutePath().getParent());
      bytes[bytes.length / 2] ^= 0x01;
      Files.write(file, bytes);
    }
    Files.delete(dir.resolve("ckpt/last/optimizer.bin"));
    assertThatThrownBy(this::fit).hasMessageContaining("optimizer.bin is corrupt: the file is missing");
  }
}
