package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.TrainingReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint folder is held by one run (a lock with pid and host; stale locks are taken over),
 * is checked for writability before the first step, never keeps the temporary folders of failed
 * saves, and a failed save (the final one included) keeps the report.
 */
class CheckpointFolderTest {

  @RegisterExtension static final TinyTokenizer TOKENIZER = new TinyTokenizer();

  @TempDir Path dir;

  /** One epoch of 3 steps (24 examples, batch 8), a checkpoint every 2 steps. */
  private TrainingReport fit(Path checkpoints, TrainingListener... callbacks) {
    try (SequenceClassifier model = TinySetup.model(0.1f, 23)) {
      return FineTune.of(model).tokenizer(TOKENIZER.get()).learningRate(2e-3).epochs(1).batchSize(8)
          .progressBar(false).callbacks(callbacks)
          .checkpoints(checkpoints, 2)
          .fit(TinySetup.toyTask("toy", 24, 31), TinySetup.toyTask("dev", 8, 32));
    }
  }

  private static void writeLock(Path folder, long pid) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve(Checkpoints.LOCK),
        new Checkpoints.Owner(pid, Checkpoints.hostName(), Instant.now().minusSeconds(5)).toText());
  }

  @Test
  void aFolderInUseByALiveRunIsRefusedNamingTheOwner() throws IOException {
    // the old code adopted the other run's state and both wrote last/
    Path checkpoints = dir.resolve("ckpt");
    long livePid = ProcessHandle.current().pid();
    writeLock(checkpoints, livePid);
    AtomicInteger steps = new AtomicInteger();
    assertThatThrownBy(() -> fit(checkpoints, counting(steps)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("checkpoint folder " + checkpoints.toAbsolutePath() + " is in use by pid "
            + livePid + " on host " + Checkpoints.hostName());
    assertThat(steps).hasValue(0);
    assertThat(checkpoints.resolve(Checkpoints.LOCK)).exists(); // still the other run's
  }

  @Test
  void aStaleLockIsTakenOverAndTheLockIsReleasedAfterTheRun() throws Exception {
    Path checkpoints = dir.resolve("ckpt");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    writeLock(checkpoints, gone.pid());
    assertThat(fit(checkpoints).epochs()).hasSize(1);
    assertThat(checkpoints.resolve(Checkpoints.LOCK)).doesNotExist();
    assertThat(checkpoints.resolve("last/state.json")).exists();
  }

  @Test
  void anUnwritableFolderFailsBeforeTheFirstStep() throws IOException {
    // the old code trained until the first checkpoint interval, then failed
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path checkpoints = file.resolve("ckpt");
    AtomicInteger steps = new AtomicInteger();
    assertThatThrownBy(() -> fit(checkpoints, counting(steps)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("checkpoint folder " + checkpoints.toAbsolutePath() + " cannot be written");
    assertThat(steps).hasValue(0);
  }

  @Test
  void temporaryFoldersOfFailedSavesAreRemovedAtOnceAndAtTheNextStart() throws IOException {
    Path checkpoints = dir.resolve("ckpt");
    Files.createDirectories(checkpoints.resolve(".last-tmp-123/inner"));
    Files.writeString(checkpoints.resolve(".last-tmp-123/inner/weights.ndlist"), "partial");
    assertThatThrownBy(() -> fit(checkpoints, failingSaveAt(2)))
        .isInstanceOf(CheckpointSaveException.class)
        .hasMessageContaining("the checkpoint could not be saved after step 2: disk full");
    try (Stream<Path> files = Files.list(checkpoints)) {
      // the old code kept both: the killed save's folder and the failed one's
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(".last-tmp-"));
    }
  }

  @Test
  void aFailedFinalSaveKeepsTheFinishedReport() {
    // step 3 ends the only epoch: its save is the final one (the old code threw the report away)
    Path checkpoints = dir.resolve("ckpt");
    assertThatThrownBy(() -> fit(checkpoints, failingSaveAt(3)))
        .isInstanceOfSatisfying(CheckpointSaveException.class, e -> {
          assertThat(e.report().epochs()).hasSize(1);
          assertThat(e.report().epochs().get(0).steps()).isEqualTo(3);
          assertThat(e.report().settings().get("stopped"))
              .contains("the checkpoint could not be saved after step 3");
        });
  }

  private static TrainingListener counting(AtomicInteger steps) {
    return new TrainingListener() {
      @Override
      public void onStepStart(TrainingContext context) {
        steps.incrementAndGet();
      }
    };
  }

  /** A stateful callback whose state cannot be saved at the given step, as on a full disk. */
  private static StatefulListener failingSaveAt(long step) {
    return new StatefulListener() {
      @Override
      public String stateKey() {
        return "failing";
      }

      @Override
      public ListenerState saveState(TrainingContext context) {
        if (context.globalStep() == step) {
          throw new UncheckedIOException("disk full", new IOException("No space left on device"));
        }
        return ListenerState.builder().build();
      }

      @Override
      public void restoreState(TrainingContext context, ListenerState state) {}
    };
  }
}
