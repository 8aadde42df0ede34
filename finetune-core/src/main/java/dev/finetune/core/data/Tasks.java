package dev.finetune.core.data;

import dev.finetune.core.data.tokens.Conll2003;
import dev.finetune.core.model.PretrainedEncoder;
import dev.finetune.core.model.ProblemType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The registry of named benchmark tasks: for each, its reader, the head it needs and the metric
 * that ranks runs. Command lines ({@code Quickstart --task}) and grid files ({@code "task"}) look
 * tasks up here, so a task added to {@link #ALL} is available on every surface at once.
 *
 * <pre>{@code
 * Tasks.Task task = Tasks.find("stsb");          // regression, main metric spearman
 * TaskData data = task.load(null);               // the default data location
 * SequenceClassifier model = task.head(encoder, data).seed(42).build();
 * FineTune.of(model).fit(data);                  // text or token data alike
 * }</pre>
 */
public final class Tasks {

  /**
   * One task.
   *
   * @param name the one short name ({@code trec_fine})
   * @param aliases other accepted spellings
   * @param description one line for help texts
   * @param problemType the head it needs
   * @param mainMetric the validation metric that ranks runs, e.g. {@code spearman}
   * @param fromDefault reads the task from the default data location
   * @param fromFolder reads the task from a folder holding its files
   */
  public record Task(String name, List<String> aliases, String description, ProblemType problemType,
      String mainMetric, Supplier<? extends TaskData> fromDefault,
      Function<Path, ? extends TaskData> fromFolder) {

    /** Checks the fields and copies the aliases. */
    public Task {
      Objects.requireNonNull(name, "name");
      aliases = List.copyOf(aliases);
      Objects.requireNonNull(problemType, "problemType");
      Objects.requireNonNull(mainMetric, "mainMetric");
      Objects.requireNonNull(fromDefault, "fromDefault");
      Objects.requireNonNull(fromFolder, "fromFolder");
    }

    /**
     * Reads the task's data.
     *
     * @param folder the folder with the task's files, or null for the default data location
     * @return the split (validation = dev, or test where the task has no dev set): a
     *     {@link DatasetSplit} of texts, or a {@code TokenSplit} for a token task
     */
    public TaskData load(Path folder) {
      return folder == null ? fromDefault.get() : fromFolder.apply(folder);
    }

    /**
     * A head builder of this task's kind for a training set (its number of labels).
     *
     * @param encoder the encoder
     * @param train the training set
     * @return the builder; set the seed and device, then build
     */
    public PretrainedEncoder.HeadBuilder head(PretrainedEncoder encoder, TextDataset train) {
      return head(encoder, train.numLabels());
    }

    /**
     * A head builder of this task's kind for its data (classes, tags, or 1 for regression).
     *
     * @param encoder the encoder
     * @param data the task's data, as {@link #load} gives it
     * @return the builder; set the seed and device, then build
     */
    public PretrainedEncoder.HeadBuilder head(PretrainedEncoder encoder, TaskData data) {
      return head(encoder, data.numLabels());
    }

    private PretrainedEncoder.HeadBuilder head(PretrainedEncoder encoder, int outputs) {
      return problemType.perToken() ? encoder.classifier().tokenClassification(outputs)
          : encoder.classifier().numLabels(outputs).problemType(problemType);
    }

    boolean answersTo(String spelling) {
      String s = spelling.toLowerCase(Locale.ROOT).strip();
      return name.equals(s) || aliases.contains(s);
    }
  }

  /** Every task, in help order. */
  public static final List<Task> ALL = List.of(
      new Task("sst2", List.of("sst-2"), "GLUE SST-2 sentiment (2 classes)",
          ProblemType.SINGLE_LABEL_CLASSIFICATION, "accuracy", Glue::sst2, Glue::sst2),
      new Task("cola", List.of(), "GLUE CoLA acceptability (2 classes)",
          ProblemType.SINGLE_LABEL_CLASSIFICATION, "mcc", Glue::cola, Glue::cola),
      new Task("imdb", List.of(), "IMDb reviews (2 classes; validation = test)",
          ProblemType.SINGLE_LABEL_CLASSIFICATION, "accuracy", Imdb::load, Imdb::load),
      new Task("mrpc", List.of(), "GLUE MRPC paraphrase pairs (2 classes)",
          ProblemType.SINGLE_LABEL_CLASSIFICATION, "f1", Glue::mrpc, Glue::mrpc),
      new Task("stsb", List.of("sts-b"), "GLUE STS-B similarity pairs (regression 0-5)",
          ProblemType.REGRESSION, "spearman", Glue::stsb, Glue::stsb),
      new Task("trec", List.of("trec6", "trec_coarse"), "TREC questions, 6 coarse classes"
          + " (validation = test)", ProblemType.SINGLE_LABEL_CLASSIFICATION, "accuracy",
          Trec::coarse, Trec::coarse),
      new Task("trec_fine", List.of("trec50"), "TREC questions, 50 fine classes (validation = test)",
          ProblemType.SINGLE_LABEL_CLASSIFICATION, "accuracy", Trec::fine, Trec::fine),
      new Task("goemotions", List.of(), "GoEmotions, 28 emotions, multi-label",
          ProblemType.MULTI_LABEL_CLASSIFICATION, "macro_f1", GoEmotions::load, GoEmotions::load),
      new Task("conll2003", List.of("conll", "ner"), "CoNLL-2003 named entities (PER, ORG, LOC,"
          + " MISC; token classification, test scored at the end)",
          ProblemType.TOKEN_CLASSIFICATION, "f1", Conll2003::load, Conll2003::load));

  private Tasks() {}

  /**
   * The task names, in help order.
   *
   * @return e.g. {@code [sst2, cola, imdb, mrpc, stsb, trec, trec_fine, goemotions]}
   */
  public static List<String> names() {
    return ALL.stream().map(Task::name).toList();
  }

  /**
   * Finds a task by name or alias (case-insensitive).
   *
   * @param name e.g. {@code trec}
   * @return the task, if known
   */
  public static Optional<Task> lookup(String name) {
    return ALL.stream().filter(t -> t.answersTo(name)).findFirst();
  }

  /**
   * Finds a task by name or alias.
   *
   * @param name e.g. {@code goemotions}
   * @return the task
   * @throws IllegalArgumentException naming the unknown task and listing the known ones
   */
  public static Task find(String name) {
    return lookup(Objects.requireNonNull(name, "task")).orElseThrow(() ->
        new IllegalArgumentException("unknown task '" + name + "'; known tasks: " + names()));
  }

  /**
   * One help line per task: name, kind and main metric.
   *
   * @param indent the indentation of each line
   * @return the lines, each ending in a newline
   */
  public static String help(String indent) {
    StringBuilder b = new StringBuilder();
    for (Task t : ALL) {
      b.append(indent).append(String.format(Locale.ROOT, "%-11s %s; main metric %s%n", t.name(),
          t.description(), t.mainMetric()));
    }
    return b.toString();
  }
}
