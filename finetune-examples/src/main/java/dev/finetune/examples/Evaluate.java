package dev.finetune.examples;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.finetune.core.data.DatasetSplit;
import dev.finetune.core.data.TaskData;
import dev.finetune.core.data.Tasks;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextDatasetReader;
import dev.finetune.core.metrics.ConfusionMatrix;
import dev.finetune.core.metrics.MultiLabelMetrics;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.predict.Prediction;
import dev.finetune.core.predict.Predictor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * Command line: evaluates a saved model on a labelled file, or on a split of a registered task,
 * by the model's head kind ({@code problem_type}):
 * <ul>
 *   <li>single-label: accuracy, macro F1, MCC, per-class precision, recall and F1, the confusion
 *       matrix ({@code confusion-matrix.png}) and the most confident mistakes;
 *   <li>multi-label: micro and macro F1, subset accuracy, Hamming loss and per-label threshold,
 *       precision, recall, F1 and support ({@code per-label-f1.png}), at the model's saved
 *       thresholds, a global {@code --threshold}, or per-label thresholds tuned on another
 *       labelled set ({@code --tune-thresholds-on});
 *   <li>regression: MSE, MAE, Pearson, Spearman ({@code scatter.png}) and the largest errors.
 * </ul>
 * Printed as Markdown and written as {@code evaluation.md} and {@code evaluation.json}.
 *
 * <pre>{@code
 * mvn -pl finetune-examples exec:java -Dexec.mainClass=dev.finetune.examples.Evaluate \
 *     -Dexec.args="--model runs/sst2-model --data ../shared/data/sst2/dev.tsv --label-column label"
 * # a registered task's own reader, thresholds tuned on its dev split and applied to test:
 * ... -Dexec.args="--model runs/goemo-model --task goemotions --data ../shared/data/goemotions
 *     --split test --tune-thresholds-on validation --output runs/goemo-eval"
 * }</pre>
 */
public final class Evaluate {

  static final String USAGE =
      """
      Evaluate a saved model on a labelled file, or on a registered task's split.

      usage: evaluate --model DIR (--data FILE | --task NAME [--data DIR]) [options]
        --model DIR          a saved model folder, or an adapter folder (its base is the one it records)
        --adapter DIR        an adapter folder to load onto --model (the base folder)
        --data FILE          .csv/.tsv with a header row, or .jsonl; with --task: the task's folder
                             (default: its default data location)
        --task NAME          read the task's own files and labels (no column options), e.g.
                             goemotions, stsb, mrpc, trec
        --split NAME         with --task: train, validation (dev) or test (default: test where the
                             task has one, else validation)
        --text-column NAME   the text's column (default sentence)
        --pair-column NAME   the second text's column, for sentence-pair models
        --label-column NAME  the label's column (default label): a label name or a class id; for a
                             multi-label model a list of names or ids (2,17, or a JSON list in
                             .jsonl); for a regression model a number
        --label-separator S  between a multi-label row's labels (default ,)
        --threshold X        multi-label: one decision threshold for every label (default: the
                             thresholds saved with the model, 0.5 each in older folders)
        --tune-thresholds-on SOURCE
                             multi-label: tune one threshold per label (best F1 on 0.05..0.95) on
                             another labelled set and apply them to --data: a file read like
                             --data, or with --task a split name (validation)
        --output DIR         write evaluation.md, evaluation.json and the plot (default: print only)
        --mistakes N         how many confident mistakes or largest errors to list (default 10)
        --device NAME        cpu (default), gpu, gpu:1
        --batch-size N       texts per forward pass (default 32)
        --max-length N       truncation length in tokens (default: the model's)
        --help               this text
      """;

  private static final List<String> FLAGS = List.of("help");
  private static final List<String> VALUED = List.of("model", "adapter", "data", "task", "split",
      "text-column", "pair-column", "label-column", "label-separator", "threshold",
      "tune-thresholds-on", "output", "mistakes", "device", "batch-size", "max-length");

  private Evaluate() {}

  /**
   * Runs the command.
   *
   * @param args the options above
   */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the command with explicit streams.
   *
   * @param args the options
   * @param out where the Markdown report goes
   * @param err where errors go
   * @return 0 on success, 2 on bad arguments, 1 on bad files
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return ModelCommand.run(args, USAGE, FLAGS, VALUED, false, o -> {
      if (!o.containsKey("data") && !o.containsKey("task")) {
        throw new IllegalArgumentException("--data is required (or --task NAME)");
      }
      if (o.containsKey("split") && !o.containsKey("task")) {
        throw new IllegalArgumentException("--split needs --task; for a file, give it with --data");
      }
      if (o.containsKey("threshold") && o.containsKey("tune-thresholds-on")) {
        throw new IllegalArgumentException(
            "--threshold and --tune-thresholds-on exclude each other; give one");
      }
    }, (o, predictor) -> {
      EvaluationReport report = evaluate(o, predictor);
      String markdown = report.markdown();
      out.print(markdown);
      if (o.containsKey("output")) {
        Path dir = Files.createDirectories(Path.of(o.get("output")));
        Files.writeString(dir.resolve("evaluation.md"), markdown);
        Files.writeString(dir.resolve("evaluation.json"), report.json());
        report.plot(dir);
        out.println("written to " + dir.toAbsolutePath());
      }
      return 0;
    }, out, err);
  }

  /** Reads the data, predicts, and builds the report of the model's head kind. */
  static EvaluationReport evaluate(Map<String, String> o, Predictor predictor) {
    ProblemType kind = predictor.problemType();
    if (kind.perToken()) {
      throw new IllegalArgumentException("--model " + o.get("model") + " tags tokens; Evaluate"
          + " scores sequence heads (a token task's test F1 is the training report's 'test' row;"
          + " Predict lists a text's entities)");
    }
    if (kind != ProblemType.MULTI_LABEL_CLASSIFICATION
        && (o.containsKey("threshold") || o.containsKey("tune-thresholds-on"))) {
      throw new IllegalArgumentException("--threshold and --tune-thresholds-on are for multi-label"
          + " models; --model " + o.get("model") + " is " + kind.hfName());
    }
    Tasks.Task task = o.containsKey("task") ? Tasks.find(o.get("task")) : null;
    if (task != null && task.problemType() != kind) {
      throw new IllegalArgumentException("--task " + task.name() + " is "
          + task.problemType().hfName() + " but --model " + o.get("model") + " is "
          + kind.hfName() + "; evaluate a model trained for that task");
    }
    DatasetSplit split = null;
    if (task != null) {
      TaskData loaded = task.load(o.containsKey("data") ? Path.of(o.get("data")) : null);
      if (!(loaded instanceof DatasetSplit texts)) {
        throw new IllegalArgumentException("--task " + task.name() + " tags tokens; Evaluate scores"
            + " sequence heads (the training report's 'test' row has a token task's test F1)");
      }
      split = texts;
    }
    TextDataset data = task == null ? read(o, o.get("data"), predictor)
        : split.part(o.getOrDefault("split",
            split.testSet().isPresent() ? "test" : "validation"));
    if (task != null && kind != ProblemType.REGRESSION) {
      checkLabels(predictor, data, "--task " + task.name());
    }
    int listed = Integer.parseInt(o.getOrDefault("mistakes", "10"));
    return switch (kind) {
      case SINGLE_LABEL_CLASSIFICATION ->
          new ClassesReport(data, predictor.predict(data), predictor.labelNames(), listed);
      case REGRESSION -> new RegressionReport(data, predictor.predict(data), listed);
      case MULTI_LABEL_CLASSIFICATION -> {
        String source = "saved with the model";
        if (o.containsKey("threshold")) {
          double t = Double.parseDouble(o.get("threshold"));
          if (!(t > 0 && t < 1)) {
            throw new IllegalArgumentException("--threshold must be in (0, 1), got " + t);
          }
          predictor.decisionThresholds(MultiLabelMetrics.global(t, predictor.labelNames().size()));
          source = "global " + t;
        } else if (o.containsKey("tune-thresholds-on")) {
          String from = o.get("tune-thresholds-on");
          TextDataset tuneSet = split != null && isSplitName(from) ? split.part(from)
              : read(o, from, predictor);
          if (task != null) {
            checkLabels(predictor, tuneSet, "--tune-thresholds-on " + from);
          }
          double[] tuned = MultiLabelMetrics.tuneThresholds(
              MultiLabelReport.probabilities(predictor.predict(tuneSet)),
              MultiLabelReport.truth(tuneSet));
          predictor.decisionThresholds(tuned);
          source = "tuned per label on " + tuneSet.name() + " (" + tuneSet.size() + " examples)";
        }
        yield new MultiLabelReport(data, predictor.predict(data), predictor.decisionThresholds(),
            source);
      }
      case TOKEN_CLASSIFICATION -> throw new IllegalStateException("refused above: " + kind);
    };
  }

  private static boolean isSplitName(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    return DatasetSplit.PART_NAMES.contains(v) || v.equals("dev");
  }

  /** A task's label ids mean the model's labels only when the names agree. */
  private static void checkLabels(Predictor predictor, TextDataset data, String what) {
    if (!predictor.model().hasDefaultLabelNames()
        && !predictor.labelNames().equals(data.labelNames())) {
      throw new IllegalArgumentException(what + " has the labels " + data.labelNames()
          + " but the model has " + predictor.labelNames() + "; evaluate a model trained on it");
    }
    if (data.numLabels() != predictor.labelNames().size()) {
      throw new IllegalArgumentException(what + " has " + data.numLabels() + " labels but the"
          + " model has " + predictor.labelNames().size());
    }
  }

  private static TextDataset read(Map<String, String> o, String file, Predictor predictor) {
    String name = file.toLowerCase(Locale.ROOT);
    TextDatasetReader.Builder reader = name.endsWith(".jsonl") ? TextDatasetReader.jsonl()
        : name.endsWith(".tsv") ? TextDatasetReader.tsv() : TextDatasetReader.csv();
    reader.text(o.getOrDefault("text-column", "sentence"))
        .label(o.getOrDefault("label-column", "label"));
    switch (predictor.problemType()) {
      case REGRESSION -> reader.regression();
      case MULTI_LABEL_CLASSIFICATION -> reader.labelNames(predictor.labelNames())
          .multiLabel(o.getOrDefault("label-separator", ","));
      default -> reader.labelNames(predictor.labelNames());
    }
    if (o.containsKey("pair-column")) {
      reader.textPair(o.get("pair-column"));
    }
    return reader.build().read(Path.of(file));
  }

  /** The single-label metrics of one evaluation, and their Markdown, JSON and PNG forms. */
  static final class ClassesReport implements EvaluationReport {
    private final TextDataset data;
    private final List<Prediction> predictions;
    private final List<String> names;
    private final ConfusionMatrix matrix;
    private final int mistakes;

    ClassesReport(TextDataset data, List<Prediction> predictions, List<String> names,
        int mistakes) {
      this.data = data;
      this.predictions = predictions;
      this.names = names;
      this.mistakes = mistakes;
      int[] labels = new int[data.size()];
      int[] predicted = new int[data.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = data.get(i).label();
        predicted[i] = predictions.get(i).labelId();
      }
      this.matrix = ConfusionMatrix.of(Math.max(2, names.size()), labels, predicted);
    }

    private List<Integer> confidentMistakes() {
      List<Integer> wrong = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        if (predictions.get(i).labelId() != data.get(i).label()) {
          wrong.add(i);
        }
      }
      wrong.sort(Comparator.comparingDouble(i -> -predictions.get(i).score()));
      return wrong.subList(0, Math.min(mistakes, wrong.size()));
    }

    @Override
    public String markdown() {
      StringBuilder md = new StringBuilder("# Evaluation on ").append(data.name())
          .append(" (").append(data.size()).append(" examples)\n\n");
      md.append("| metric | value |\n|---|---|\n");
      md.append(String.format(Locale.ROOT, "| accuracy | %.4f |%n| macro F1 | %.4f |%n| MCC | %.4f |%n%n",
          matrix.accuracy(), matrix.macroF1(), matrix.matthewsCorrelation()));
      md.append("| class | precision | recall | F1 | support |\n|---|---|---|---|---|\n");
      for (int c = 0; c < names.size(); c++) {
        long support = 0;
        for (int p = 0; p < names.size(); p++) {
          support += matrix.count(c, p);
        }
        md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %d |%n", names.get(c),
            matrix.precision(c), matrix.recall(c), matrix.f1(c), support));
      }
      md.append("\n## Confusion matrix (rows: actual, columns: predicted)\n\n| |");
      names.forEach(n -> md.append(' ').append(n).append(" |"));
      md.append("\n|---|").append("---|".repeat(names.size())).append('\n');
      for (int a = 0; a < names.size(); a++) {
        md.append("| ").append(names.get(a)).append(" |");
        for (int p = 0; p < names.size(); p++) {
          md.append(' ').append(matrix.count(a, p)).append(" |");
        }
        md.append('\n');
      }
      md.append("\n## Most confident mistakes\n\n| text | actual | predicted | score |\n|---|---|---|---|\n");
      for (int i : confidentMistakes()) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4f |%n",
            data.get(i).text().replace("|", "\\|"), names.get(data.get(i).label()),
            predictions.get(i).label(), predictions.get(i).score()));
      }
      return md.toString();
    }

    @Override
    public String json() {
      JsonObject o = new JsonObject();
      o.addProperty("data", data.name());
      o.addProperty("examples", data.size());
      o.addProperty("accuracy", matrix.accuracy());
      o.addProperty("macro_f1", matrix.macroF1());
      o.addProperty("mcc", matrix.matthewsCorrelation());
      JsonObject perClass = new JsonObject();
      JsonArray rows = new JsonArray();
      for (int c = 0; c < names.size(); c++) {
        JsonObject m = new JsonObject();
        m.addProperty("precision", matrix.precision(c));
        m.addProperty("recall", matrix.recall(c));
        m.addProperty("f1", matrix.f1(c));
        perClass.add(names.get(c), m);
        JsonArray row = new JsonArray();
        for (int p = 0; p < names.size(); p++) {
          row.add(matrix.count(c, p));
        }
        rows.add(row);
      }
      o.add("per_class", perClass);
      JsonArray labels = new JsonArray();
      names.forEach(labels::add);
      o.add("labels", labels);
      o.add("confusion_matrix", rows);
      JsonArray wrong = new JsonArray();
      for (int i : confidentMistakes()) {
        JsonObject m = new JsonObject();
        m.addProperty("text", data.get(i).text());
        m.addProperty("actual", names.get(data.get(i).label()));
        m.addProperty("predicted", predictions.get(i).label());
        m.addProperty("score", predictions.get(i).score());
        wrong.add(m);
      }
      o.add("confident_mistakes", wrong);
      return new GsonBuilder().setPrettyPrinting().create().toJson(o);
    }

    @Override
    public Path plot(Path dir) throws IOException {
      Path file = dir.resolve("confusion-matrix.png");
      HeatMapChart chart = new HeatMapChartBuilder().width(120 + 90 * names.size())
          .height(100 + 90 * names.size()).title("Confusion matrix (rows actual)")
          .xAxisTitle("predicted").yAxisTitle("actual").build();
      chart.getStyler().setShowValue(true);
      List<Number[]> cells = new ArrayList<>();
      for (int a = 0; a < names.size(); a++) {
        for (int p = 0; p < names.size(); p++) {
          cells.add(new Number[] {p, a, matrix.count(a, p)});
        }
      }
      chart.addSeries("counts", names, names, cells);
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
      return file;
    }
  }
}
