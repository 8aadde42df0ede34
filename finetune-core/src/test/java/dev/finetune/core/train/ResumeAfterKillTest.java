package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed mid-epoch (the child JVM halts as SIGKILL would) and started again with the same
 * checkpoint directory ends with exactly the weights of an uninterrupted run: model, optimizer
 * state, schedule position, dropout RNG and data order are all restored.
 */
class ResumeAfterKillTest {

  @TempDir Path dir;

  @Test
  void resumedRunEqualsUninterruptedRun() throws Exception {
    assertResumeEqualsUninterrupted("fp32");
  }

  /**
   * The same with fp16 mixed precision: the loss scaler backed off at step 5 (an injected
   * overflow), so the checkpoint must carry its state for the resumed run to match bit for bit.
   */
  @Test
  void fp16ResumedRunEqualsUninterruptedRun() throws Exception {
    assertResumeEqualsUninterrupted("fp16");
    assertThat(Files.readString(dir.resolve("ckpt/last/state.json")))
        .contains("\"loss_scaler\":{\"scale\":32768.0,\"good_steps\":14,\"skipped_steps\":1}");
  }

  /** The same with bf16 mixed precision (no loss scaling). */
  @Test
  void bf16ResumedRunEqualsUninterruptedRun() throws Exception {
    assertResumeEqualsUninterrupted("bf16");
  }

  private void assertResumeEqualsUninterrupted(String precision) throws Exception {
    Path tokenizer = dir.resolve("tok");
    Path checkpoints = dir.resolve("ckpt");
    Path resumed = dir.resolve("resumed.ndlist");
    Path straight = dir.resolve("straight.ndlist");

    // 80 examples / batch 8 = 10 steps per epoch, 20 in all; checkpoints every 3 steps and at
    // epoch ends. Killed after step 14 (last checkpoint: step 12, mid-epoch 2).
    Process killed = child(tokenizer, checkpoints.toString(), dir.resolve("never"), 14,
        precision);
    assertThat(killed.exitValue()).isEqualTo(137);
    assertThat(checkpoints.resolve("last/state.json")).exists();
    assertThat(Files.readString(checkpoints.resolve("last/state.json"))).contains("\"global_step\":12");
    assertThat(dir.resolve("never")).doesNotExist();

    Process again = child(tokenizer, checkpoints.toString(), resumed, -1, precision);
    assertThat(again.exitValue()).isZero();
    Process uninterrupted = child(tokenizer, "-", straight, -1, precision);
    assertThat(uninterrupted.exitValue()).isZero();

    assertThat(Files.readAllBytes(resumed))
        .as("final weights differ: max |resumed - uninterrupted| = %s", maxDifference(resumed, straight))
        .isEqualTo(Files.readAllBytes(straight));
  }

  private static double maxDifference(Path a, Path b) throws IOException {
    try (NDManager manager = NDManager.newBaseManager();
        InputStream inA = Files.newInputStream(a);
        InputStream inB = Files.newInputStream(b)) {
      NDList x = NDList.decode(manager, inA);
      NDList y = NDList.decode(manager, inB);
      double max = 0;
      for (int i = 0; i < x.size(); i++) {
        max = Math.max(max, x.get(i).sub(y.get(i)).abs().max().getFloat());
      }
      return max;
    }
  }

  private static Process child(Path tokenizer, String checkpoints, Path output, long killStep,
      String precision) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Dai.djl.offline=true", "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), ResumeChild.class.getName(),
        tokenizer.toString(), checkpoints, output.toString(), Long.toString(killStep), precision));
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    // Bit-identical results need the same reduction order in every run: MKL may otherwise pick
    // fewer threads on a busy machine (MKL_DYNAMIC), changing float sums in the last bits.
    builder.environment().put("MKL_DYNAMIC", "FALSE");
    builder.environment().put("OMP_DYNAMIC", "FALSE");
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not finish in 5 minutes");
    }
    return process;
  }
}
