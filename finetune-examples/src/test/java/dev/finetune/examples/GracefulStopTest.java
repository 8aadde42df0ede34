package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a running Quickstart (a real child JVM) finishes the step in progress, saves the
 * resume checkpoint and the report, and exits with {@link ExitCodes#STOPPED} and a message; the
 * same command run again continues and ends with the weights of an uninterrupted run. (Before,
 * SIGTERM exited 143 with no message and lost every step since the last checkpoint.)
 */
class GracefulStopTest {

  @TempDir Path dir;

  @Test
  void sigtermSavesTheCheckpointAndTheReportAndTheRunResumesToTheSameWeights() throws Exception {
    Path model = TinyCommandLineSetup.model(dir.resolve("model"));
    Path data = TinyCommandLineSetup.sst2(dir.resolve("sst2"), 80);
    Path checkpoints = dir.resolve("ckpt");

    // 80 examples / batch 4 = 20 steps per epoch, 2 epochs; periodic checkpoints every 2 steps
    Process stopped = start(data, model, checkpoints, dir.resolve("never"), dir.resolve("report"));
    Path state = checkpoints.resolve("last/state.json");
    String err = children().stopWhenExists(stopped, state,
        "the run ended before its first checkpoint", 0);
    assertThat(err).contains("stopping: a signal (SIGTERM or Ctrl-C) arrived",
        "error: stopped by a signal (SIGTERM or Ctrl-C) after step ",
        "run the same command again to continue");
    long step = com.google.gson.JsonParser.parseString(Files.readString(state)).getAsJsonObject()
        .get("global_step").getAsLong();
    assertThat(step).as("the checkpoint holds the step the run stopped at").isBetween(2L, 39L);
    assertThat(Files.readString(dir.resolve("report/report.json"))).contains("stopped by a signal");
    assertThat(dir.resolve("never")).doesNotExist(); // an unfinished model is not saved

    Process resumed = start(data, model, checkpoints, dir.resolve("resumed"), null);
    assertThat(resumed.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(resumed.exitValue()).as(Files.readString(dir.resolve("stderr-1.txt"))).isZero();
    Process straight = start(data, model, null, dir.resolve("straight"), null);
    assertThat(straight.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(straight.exitValue()).as(Files.readString(dir.resolve("stderr-2.txt"))).isZero();
    assertThat(Files.readAllBytes(dir.resolve("resumed/model.safetensors")))
        .isEqualTo(Files.readAllBytes(dir.resolve("straight/model.safetensors")));
  }

  private ChildMains children;

  private Process start(Path data, Path model, Path checkpoints, Path save, Path output)
      throws IOException {
    List<String> args = new ArrayList<>(List.of(
        "--data", data.toString(), "--model", model.toString(), "--train-size", "0",
        "--epochs", "2", "--batch-size", "4", "--max-length", "16", "--lr", "1e-3", "--quiet",
        "--save", save.toString()));
    if (checkpoints != null) {
      args.addAll(List.of("--checkpoints", checkpoints.toString(), "--checkpoint-every-steps", "2"));
    }
    if (output != null) {
      args.addAll(List.of("--output", output.toString()));
    }
    return children().start(Quickstart.class, args);
  }

  private ChildMains children() {
    if (children == null) {
      children = new ChildMains(dir);
    }
    return children;
  }
}
