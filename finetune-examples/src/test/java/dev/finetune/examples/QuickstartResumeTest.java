package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's resume checks (issue 23's cases): a checkpoint resumed with another method,
 * task, batch size, learning rate or number of epochs is refused before any step, naming each
 * difference; {@code --resume-allow epochs} continues with more epochs. (Before, each of these
 * continued silently: bitfit trained every parameter, CoLA continued an SST-2 run, and so on.)
 */
class QuickstartResumeTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Path model;
  private Path sst2;
  private Path cola;

  @BeforeEach
  void firstRun() throws Exception {
    model = TinyCommandLineSetup.model(dir.resolve("model"));
    sst2 = TinyCommandLineSetup.sst2(dir.resolve("sst2"), 32);
    cola = TinyCommandLineSetup.cola(dir.resolve("cola"), 32);
    assertThat(run()).as(err.toString(StandardCharsets.UTF_8)).isZero();
  }

  /** One epoch of 32 SST-2 rows in batches of 16 with checkpoints, plus {@code extra}. */
  private int run(String... extra) {
    out.reset();
    err.reset();
    List<String> args = new ArrayList<>(List.of("--task", "sst2", "--data", sst2.toString(),
        "--model", model.toString(), "--train-size", "0", "--batch-size", "16", "--max-length", "16",
        "--quiet", "--checkpoints", dir.resolve("ckpt").toString()));
    for (int i = 0; i < extra.length; i += 2) {
      int at = args.indexOf(extra[i]);
      if (at >= 0) {
        args.set(at + 1, extra[i + 1]);
      } else {
        args.addAll(Arrays.asList(extra[i], extra[i + 1]));
      }
    }
    return Quickstart.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String refused(String... extra) {
    assertThat(run(extra)).isEqualTo(ExitCodes.FAILED);
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(message).startsWith("error: checkpoint ").contains("was written by another run");
    return message;
  }

  @Test
  void anotherMethodTaskBatchSizeOrLearningRateIsRefusedNamingTheDifference() {
    assertThat(refused("--method", "bitfit")).contains("methods: checkpoint full, now bitfit");
    assertThat(refused("--task", "cola", "--data", cola.toString()))
        .contains("trainData: checkpoint sst2/train, 32 examples", ", now cola/train, 32 examples");
    assertThat(refused("--batch-size", "8")).contains("batchSize: checkpoint 16, now 8");
    assertThat(refused("--lr", "1e-4")).contains("learningRate: checkpoint 5.0E-5, now 1.0E-4");
    assertThat(refused("--epochs", "2")).contains("epochs: checkpoint 1, now 2", "--resume-allow");
  }

  @Test
  void moreEpochsContinueWhenAllowed() {
    assertThat(run("--epochs", "2", "--resume-allow", "epochs"))
        .as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("epochs=2");
    assertThat(run("--resume-allow", "batch-size")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("batchSize cannot change on resume");
  }
}
