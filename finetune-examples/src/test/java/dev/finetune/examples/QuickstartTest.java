package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.testing.SharedResources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job's command line: help, bad arguments, and a real (tiny) run on SST-2. */
class QuickstartTest {

  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Quickstart.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsTheOptions() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--model DIR", "--task NAME", "--schedule SPEC", "--epochs N", "--device NAME");
  }

  @Test
  void badArgumentsExitWithTwoAndSayWhy() {
    assertThat(run("--epochs", "two")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--epochs must be a whole number, got 'two'");
    err.reset();
    assertThat(run("--frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --frobnicate");
    err.reset();
    assertThat(run("--task", "mnli", "--data", dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--task mnli is unknown");
    err.reset();
    assertThat(run("--method", "magic", "--data", dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--method magic is unknown");
    err.reset();
    assertThat(run("--data", dir.resolve("nowhere").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a folder");
  }

  @Test
  void finetunesTheEmbeddedModelOnASliceOfSst2AndSavesTheReport() {
    Path sst2 = SharedResources.require("data/sst2/train.tsv").getParent();
    int code = run("--data", sst2.toString(), "--layers", "1", "--method", "lora", "--train-size", "64",
        "--dev-size", "32", "--max-length", "32", "--batch-size", "16", "--quiet",
        "--output", dir.resolve("report").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String table = out.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("all-MiniLM-L6-v2 (embedded), first 1 layers", "accuracy", "lora");
    assertThat(dir.resolve("report/report.json")).exists();
    assertThat(dir.resolve("report/report.csv")).exists();
  }
}
