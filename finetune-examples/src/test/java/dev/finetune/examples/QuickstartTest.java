package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.finetune.core.data.DatasetSplit;
import dev.finetune.core.data.Imdb;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.EncoderConfig;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.Setting;
import dev.finetune.core.train.TrainingSettings;
import dev.finetune.testing.SharedResources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
  void everyTrainingSettingIsAnOptionCheckedByTheTable() {
    assertThat(run("--help")).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    for (Setting<?> s : TrainingSettings.ALL) {
      assertThat(help).contains(s.flag() + " " + s.metavar());
      assertThat(help.lines().filter(l -> l.startsWith("  " + s.flag() + " "))).as(s.flag()).hasSize(1);
    }
    assertThat(help).contains("--lr is short for --learning-rate", "default 5e-5", "default cpu");
    assertThat(run("--max-grad-norm", "-1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--max-grad-norm must be >= 0 (0 = no clipping), got -1.0");
    err.reset();
    assertThat(run("--lr", "0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--lr must be > 0, got 0.0");
    err.reset();
    assertThat(run("--device", "tpu")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--device must be cpu, gpu, gpu:N or cuda:N, got 'tpu'");
    err.reset();
    assertThat(run("--device", "cuda:1", "--accumulation", "2", "--progress", "false", "--help")).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void helpListsEveryMethodOfTheRegistry() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--method SPEC")
        .contains(dev.finetune.core.method.FineTuningMethods.usages())
        .contains("parallel(16)", "prefix(20)", "top_layers(K)");
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
    assertThat(run("--lora-r", "4", "--data", dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--lora-r applies to --method lora only, not full");
    err.reset();
    assertThat(run("--layer-decay", "1.5", "--data", dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--layer-decay must be in (0, 1], got 1.5");
    err.reset();
    assertThat(run("--method", "lora", "--lora-targets", " , ", "--data", dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--lora-targets needs at least one module suffix");
    err.reset();
    assertThat(run("--head-lr-factor", "ten")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--head-lr-factor must be a number, got 'ten'");
    err.reset();
    assertThat(run("--data", dir.resolve("nowhere").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not a folder");
  }

  @Test
  void negativeSizesAndRepeatedOptionsAreErrors() {
    // the old CLI read --train-size -5 as "all" and kept the last of two --method options
    assertThat(run("--train-size", "-5")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: --train-size must be at least 0 (0 = all), got -5");
    err.reset();
    assertThat(run("--dev-size", "-1")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--dev-size must be at least 0");
    err.reset();
    assertThat(run("--layers", "0")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--layers must be at least 1, got 0");
    err.reset();
    assertThat(run("--method", "lora", "--method", "bitfit")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: --method given twice");
    err.reset();
    assertThat(run("--lr", "1e-4", "--learning-rate", "2e-4")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--lr and --learning-rate both set learningRate");
  }

  @Test
  void devSizeDrawsAStratifiedSampleOfASortedFile() {
    // IMDb's test.csv is sorted by label: the first 8 rows (the old --dev-size) are all negative
    Path imdb = SharedResources.require("data/imdb/test.csv").getParent();
    TextDataset test = Imdb.load(imdb).validation();
    assertThat(test.take(8).labelCounts()).containsExactly(8, 0);
    // Quickstart samples through TaskData.sample (--train-size, --dev-size)
    DatasetSplit split = new DatasetSplit(test, test);
    assertThat(split.sample(0, 8, 42).validation().labelCounts()).containsExactly(4, 4);
    assertThat(split.sample(0, 0, 42).validation()).isSameAs(test);
  }

  @Test
  void libraryFailuresAreOneLineAndTheStackTraceOnlyWhenVerbose() throws Exception {
    Path model = dir.resolve("model");
    try (SequenceClassifier tiny = SequenceClassifier.randomInit(EncoderConfig.tiny(), 2, 1, Device.cpu())) {
      tiny.save(model);
    }
    Path config = model.resolve("config.json");
    Files.writeString(config, Files.readString(config).replaceFirst("\"hidden_size\":\\s*32", "\"hidden_size\": \"abc\""));
    Path sst2 = SharedResources.require("data/sst2/train.tsv").getParent();
    assertThat(run("--data", sst2.toString(), "--model", model.toString(), "--quiet")).isEqualTo(ExitCodes.FAILED);
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(message).startsWith("error: " + config + ": hidden_size must be a whole number, got \"abc\"");
    assertThat(message.lines()).hasSize(1);
    err.reset();
    assertThat(run("--data", sst2.toString(), "--model", model.toString(), "--quiet", "--verbose"))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("hidden_size must be a whole number", "\tat ");
  }

  @Test
  void aDivergedRunExitsNonZeroWithTheReason() {
    // the old CLI printed the report and exited 0
    Path sst2 = SharedResources.require("data/sst2/train.tsv").getParent();
    int code = run("--data", sst2.toString(), "--layers", "1", "--train-size", "32", "--dev-size", "16",
        "--max-length", "16", "--batch-size", "16", "--optimizer", "sgd", "--lr", "1e12",
        "--max-grad-norm", "0", "--schedule", "constant", "--epochs", "3", "--quiet",
        "--output", dir.resolve("report").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(ExitCodes.DIVERGED);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: the run diverged: training loss became");
    assertThat(dir.resolve("report/report.json")).exists(); // the report is still saved
  }

  /**
   * --best-checkpoint is BestCheckpoint.on(main metric).restoreAtEnd(): a token task's run keeps
   * the best entity-F1 epoch, scores the test split with it and names it in test_weights.
   */
  @Test
  void bestCheckpointScoresTheTestSplitWithTheBestEpochOfATokenTask() throws Exception {
    Path model = TinyCommandLineSetup.tokenModel(dir.resolve("model"));
    Path data = TinyCommandLineSetup.conll(dir.resolve("conll"), 40);
    int code = run("--task", "conll2003", "--data", data.toString(), "--model", model.toString(),
        "--train-size", "0", "--epochs", "3", "--batch-size", "4", "--max-length", "16",
        "--lr", "5e-3", "--quiet", "--best-checkpoint", dir.resolve("best").toString(),
        "--output", dir.resolve("report").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    var report = dev.finetune.core.report.TrainingReport.fromJson(
        Files.readString(dir.resolve("report/report.json")));
    var best = report.extraRows().stream().filter(r -> r.label().equals("best")).findFirst().orElseThrow();
    assertThat(report.test().orElseThrow().epoch()).isEqualTo(best.epoch());
    assertThat(report.settings()).containsEntry("test_weights", "best (epoch " + best.epoch() + ")");
    assertThat(dir.resolve("best/best.json")).content().contains("\"metric\": \"f1\"");
  }

  @Test
  void helpDocumentsTheExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("exit codes:", "  3  the run diverged",
        "--verbose");
  }

  @Test
  void finetunesTheEmbeddedModelOnASliceOfSst2AndSavesTheReport() {
    Path sst2 = SharedResources.require("data/sst2/train.tsv").getParent();
    int code = run("--data", sst2.toString(), "--layers", "1", "--method", "lora", "--lora-r", "4",
        "--lora-alpha", "8", "--lora-targets", "query,key,value,dense", "--layer-decay", "0.9",
        "--head-lr-factor", "10", "--bucketing", "4", "--train-size", "64",
        "--dev-size", "32", "--max-length", "32", "--batch-size", "16", "--quiet",
        "--output", dir.resolve("report").toString(), "--save", dir.resolve("model").toString());
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String table = out.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("all-MiniLM-L6-v2 (embedded), first 1 layers", "accuracy",
        "lora(r=4, alpha=8.0, targets=query,key,value,dense)", "bucketing=4", "LayerwiseDecay", "device: cpu ");
    // r=4 on q, k, v and attention-output (384 -> 384: 4 x 768 each), intermediate and output
    // (384 <-> 1536: 4 x 1920 each) of one layer, plus the 770-value head
    assertThat(table).contains(Integer.toString(4 * 4 * 768 + 2 * 4 * 1920 + 770));
    assertThat(dir.resolve("report/report.json")).exists();
    assertThat(dir.resolve("report/report.csv")).exists();

    // then predict with the result, as the README's second command does
    java.io.ByteArrayOutputStream predictions = new java.io.ByteArrayOutputStream();
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(
          "a gripping film\nthe plot is a mess\n".getBytes(StandardCharsets.UTF_8)));
      code = Predict.run(new String[] {"--model", dir.resolve("model").toString()},
          new PrintStream(predictions, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
    } finally {
      System.setIn(stdin);
    }
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(predictions.toString(StandardCharsets.UTF_8).lines().toList()).hasSize(2)
        .allMatch(l -> l.contains("\"scores\"") && !l.contains("LABEL_"));
  }
}
