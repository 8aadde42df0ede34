package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.examples.grid.GridMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a running GridMain (a real child JVM) ends the cell in progress after its step with
 * its checkpoint saved, records it as stopped (before, GridMain had no shutdown hook: exit 143,
 * and a stopped cell would have been recorded as finished and skipped), writes the results so far
 * and exits with {@link ExitCodes#STOPPED}; the same command run again continues the cell and the
 * final cells equal an uninterrupted run's.
 */
class GridGracefulStopTest {

  @TempDir Path dir;

  @Test
  void sigtermStopsTheCellInProgressAndTheSameCommandFinishesTheGridAsAnUninterruptedRun()
      throws Exception {
    Path model = TinyCommandLineSetup.model(dir.resolve("model"));
    Path data = TinyCommandLineSetup.sst2(dir.resolve("sst2"), 120);
    // 120 examples / batch 4 = 30 steps per epoch, 2 epochs per cell, two cells
    Path config = Files.writeString(dir.resolve("grid.json"), "{\"name\": \"stop\", \"task\": \"sst2\","
        + " \"data\": \"" + data + "\", \"model\": \"" + model + "\", \"epochs\": 2,"
        + " \"batch_size\": 4, \"max_length\": 16, \"learning_rate\": 0.001,"
        + " \"axes\": {\"method\": [\"full\", \"bitfit\"]}}");
    Path out = dir.resolve("out");

    Process stopped = start(config, out);
    Path state = out.resolve("checkpoints/full__s42/last/state.json"); // written after epoch 1
    String err = children().stopWhenExists(stopped, state,
        "the grid ended before the first cell's first epoch", 0);
    assertThat(err).contains("stopping: a signal (SIGTERM or Ctrl-C) arrived",
        "stopped by a signal (SIGTERM or Ctrl-C) during cell", "run the same command again to continue");
    String stoppedCell = Files.exists(out.resolve("cells/full__s42.json")) ? "bitfit__s42" : "full__s42";
    assertThat(out.resolve("cells/" + stoppedCell + ".stopped.txt")).exists();
    assertThat(out.resolve("cells/" + stoppedCell + ".json")).doesNotExist();
    JsonObject saved = JsonParser.parseString(Files.readString(
        out.resolve("checkpoints/" + stoppedCell + "/last/state.json"))).getAsJsonObject();
    assertThat(saved.get("global_step").getAsLong()).as("saved at the stop, not only at epoch ends")
        .isBetween(1L, 59L);

    Process resumed = start(config, out);
    assertThat(resumed.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(resumed.exitValue()).as(Files.readString(dir.resolve("stderr-1.txt"))).isZero();
    Process straight = start(config, dir.resolve("straight"));
    assertThat(straight.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(straight.exitValue()).as(Files.readString(dir.resolve("stderr-2.txt"))).isZero();

    assertThat(out.resolve("cells/" + stoppedCell + ".stopped.txt")).doesNotExist();
    for (String cell : List.of("full__s42", "bitfit__s42")) {
      assertThat(curve(out, cell)).as(cell).isEqualTo(curve(dir.resolve("straight"), cell));
    }
  }

  /** Per epoch: steps, training loss and validation metrics (not times or memory). */
  private static List<String> curve(Path out, String cell) throws IOException {
    JsonObject root = JsonParser.parseString(Files.readString(out.resolve("cells/" + cell + ".json")))
        .getAsJsonObject();
    List<String> rows = new ArrayList<>();
    root.getAsJsonObject("report").getAsJsonArray("epochs").forEach(e -> {
      JsonObject epoch = e.getAsJsonObject();
      rows.add(epoch.get("steps") + " " + epoch.get("train_loss") + " " + epoch.get("validation_metrics"));
    });
    assertThat(rows).hasSize(2);
    return rows;
  }

  private ChildMains children;

  private Process start(Path config, Path out) throws IOException {
    return children().start(GridMain.class,
        List.of("--config", config.toString(), "--output", out.toString()));
  }

  private ChildMains children() {
    if (children == null) {
      children = new ChildMains(dir);
    }
    return children;
  }
}
