package dev.finetune.examples;

import dev.finetune.core.data.TaskData;
import dev.finetune.core.data.Tasks;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.method.MethodCheckpoint;
import dev.finetune.core.method.MethodSpec;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.PretrainedEncoder;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.OptimizerSpec;
import dev.finetune.core.optim.Optimizers;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.CheckpointSaveException;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.core.train.Setting;
import dev.finetune.core.train.StopRequest;
import dev.finetune.core.train.TrainingSettings;
import dev.finetune.core.train.callbacks.BestCheckpoint;
import dev.finetune.schedules.policy.LrPolicies;
import dev.finetune.schedules.policy.LrPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The main job: fine-tunes an encoder (by default the embedded all-MiniLM-L6-v2, which needs no
 * download) on SST-2, CoLA or IMDb and prints the report. Run with {@code --help} for options.
 *
 * <pre>{@code
 * java dev.finetune.examples.Quickstart --data ../shared/data/sst2 --train-size 2000
 * }</pre>
 */
public final class Quickstart {

  private static final String OPTIONS_HELP =
      """
      Fine-tune a transformer encoder on a text- or token-classification task and print the report
      (with the test split's scores after the last epoch where the task has a test split).

      usage: quickstart [options]
        --task NAME          the task (default sst2), one of:
      {tasks}
        --data DIR           folder with the task's files (train.tsv/dev.tsv, or train.csv/test.csv);
                             default: the data root (-Dfinetune.data / FINETUNE_DATA), then the cache
        --model DIR          Hugging Face model folder (config.json, model.safetensors, tokenizer.json);
                             default: the embedded all-MiniLM-L6-v2 from the Maven artifact
        --layers K           keep only the first K encoder layers (smaller, faster)
        --method SPEC        the fine-tuning method, name or name(args), e.g. lora(r=16,alpha=32);
                             default full. One of:
      {methods}
        --train-size N       train on a seeded stratified sample of N examples (each class keeps its
                             share; token tasks: N sentences; default 2000; 0 = all)
        --dev-size N         evaluate on a seeded stratified sample of N validation examples
                             (default 0 = all)
        --layer-decay D      layer-wise LR decay: the top layer gets the LR, each layer below D
                             times the one above (default 1: one LR for all layers)
        --head-lr-factor F   the classification head's LR = F x the top layer's (default 1)
        --lora-r N           LoRA rank with --method lora (default 8)
        --lora-alpha X       LoRA alpha (default: equal to r, PEFT's scale 1)
        --lora-targets LIST  LoRA target module suffixes, comma-separated (default query,value;
                             e.g. query,key,value,dense for every linear layer)
        --optimizer NAME     adamw (default), adam, sgd, nesterov
        --schedule SPEC      PyTorch/HF spec, e.g. 'OneCycleLR(max_lr=1e-4)'; default: 10% linear
                             warm-up, then linear decay
        --checkpoints DIR    keep a resume checkpoint there (rerun to resume; saved at epoch ends,
                             every --checkpoint-every-steps steps and on SIGTERM / Ctrl-C). A
                             resume with other settings, method, model or data is refused
        --resume-allow LIST  accept these changes when resuming, comma-separated, e.g. epochs,lr
                             (only changes that keep the checkpoint meaningful: {allowable})
        --output DIR         also save report.json and report.csv there
        --save DIR           save the trained model there (the whole model; with an adapter method
                             its adapter folder, which records its base); use it with Predict/Evaluate
        --best-checkpoint DIR  keep the best epoch's model there (by the task's main metric:
                             accuracy, mcc, f1, spearman, macro_f1) and end the run with its
                             weights (Hugging Face's load_best_model_at_end): the test row and
                             --save then use them; the report's test_weights names the epoch
        --quiet              no progress bar (same as --progress false)
        --verbose            print the stack trace of a failure (default: one line)
        --help               this text
      Each option may be given once.
      """.replace("{methods}\n", FineTuningMethods.help(" ".repeat(25)))
          .replace("{tasks}\n", Tasks.help(" ".repeat(25)))
          .replace("{allowable}", String.join(", ", FineTune.resumeAllowable()));

  /** Quickstart's defaults where they differ from the library's: a short first run. */
  private static final Map<Setting<?>, Object> DEFAULTS = Map.of(TrainingSettings.EPOCHS, 1,
      TrainingSettings.MAX_LENGTH, 64, TrainingSettings.LEARNING_RATE, 5e-5,
      TrainingSettings.CHECKPOINT_EVERY_STEPS, 50);

  /** Short spellings of settings' options, kept for recorded commands. */
  private static final Map<String, Setting<?>> ALIASES = Map.of("lr", TrainingSettings.LEARNING_RATE);

  private static final String USAGE = OPTIONS_HELP + settingsHelp()
      + ExitCodes.help(ExitCodes.OK, ExitCodes.FAILED, ExitCodes.USAGE, ExitCodes.DIVERGED,
          ExitCodes.STOPPED);

  private static final int HELP_COLUMN = 23;
  private static final int WIDTH = 100;

  private Quickstart() {}

  /**
   * Runs the job; SIGTERM or Ctrl-C stops it gracefully ({@link SignalStop}).
   *
   * @param args the options above
   */
  public static void main(String[] args) {
    SignalStop signals = SignalStop.install(System.err);
    signals.exit(run(args, System.out, System.err, signals.request()));
  }

  /**
   * Runs the job with explicit streams and no way to stop it but its end.
   *
   * @param args the options
   * @param out where the report goes
   * @param err where usage errors go
   * @return an {@link ExitCodes exit code}
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, new StopRequest());
  }

  /**
   * Runs the job with explicit streams.
   *
   * @param args the options
   * @param out where the report goes
   * @param err where usage errors go
   * @param stop a request that ends the run after its step in progress, saving its checkpoint
   * @return an {@link ExitCodes exit code}: 0 on success, 1 on a failure, 2 on bad arguments, 3
   *     when the run diverged, 4 when it was stopped
   */
  public static int run(String[] args, PrintStream out, PrintStream err, StopRequest stop) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + ExitCodes.oneLine(e));
      err.print(USAGE);
      return ExitCodes.USAGE;
    }
    if (options.containsKey("help")) {
      out.print(USAGE);
      return ExitCodes.OK;
    }
    try {
      TrainingReport report = fineTune(options, stop);
      show(report, options, out);
      if (stop.isRequested() && report.stopReason().isPresent()) {
        err.println("error: " + stop.reason() + " after step "
            + (report.epochs().isEmpty() ? 0 : report.epochs().get(report.epochs().size() - 1).steps())
            + (options.containsKey("checkpoints")
                ? "; the resume checkpoint in " + Path.of(options.get("checkpoints")).toAbsolutePath()
                    + " holds that step: run the same command again to continue"
                : "; without --checkpoints there is nothing to resume from")
            + (options.containsKey("save") ? "; the model was not saved (--save)" : ""));
        return ExitCodes.STOPPED;
      }
      if (report.diverged()) {
        err.println("error: the run diverged: " + report.stopReason().orElse("the training loss"
            + " became " + report.settings().get(TrainingReport.DIVERGED)));
        return ExitCodes.DIVERGED;
      }
      return ExitCodes.OK;
    } catch (CheckpointSaveException e) {
      try {
        show(e.report(), options, out); // the epochs finished before the failed save
      } catch (IOException | RuntimeException saveFailed) {
        e.addSuppressed(saveFailed);
      }
      ExitCodes.print(e, err, verbose);
      return ExitCodes.FAILED;
    } catch (IOException | RuntimeException e) {
      ExitCodes.print(e, err, verbose);
      return ExitCodes.of(e);
    }
  }

  /** Prints the report, and saves it when --output is given. */
  private static void show(TrainingReport report, Map<String, String> options, PrintStream out)
      throws IOException {
    out.println(report.table());
    String dir = options.get("output");
    if (dir != null) {
      report.save(Path.of(dir));
      out.println("report saved to " + Path.of(dir).toAbsolutePath());
    }
  }

  private static TrainingReport fineTune(Map<String, String> o, StopRequest stop) {
    ModelTransform method = method(o.getOrDefault("method", "full"), o);
    LrPolicy policy = lrPolicy(o);
    Map<Setting<?>, Object> settings = settings(o);
    Tasks.Task task = Tasks.lookup(o.getOrDefault("task", "sst2")).orElseThrow(() ->
        new IllegalArgumentException("--task " + o.get("task") + " is unknown; use one of "
            + Tasks.names()));
    long seed = value(settings, TrainingSettings.SEED);
    int trainSize = Integer.parseInt(o.getOrDefault("train-size", "2000"));
    int devSize = Integer.parseInt(o.getOrDefault("dev-size", "0"));
    TaskData data = loadData(task, o.get("data")).sample(trainSize, devSize, seed);

    Encoders.Loader loader = Encoders.loader().device(value(settings, TrainingSettings.DEVICE));
    if (o.containsKey("layers")) {
      loader.keepLayers(Integer.parseInt(o.get("layers")));
    }
    String modelDir = o.get("model");
    PretrainedEncoder encoder = modelDir == null ? loader.embeddedMiniLm() : loader.load(Path.of(modelDir));
    String modelName = modelDir == null ? "all-MiniLM-L6-v2 (embedded)" : Path.of(modelDir).getFileName().toString();
    if (o.containsKey("layers")) {
      modelName += ", first " + o.get("layers") + " layers";
    }
    try (SequenceClassifier model = task.head(encoder, data).seed(seed).build()) {
      FineTune chain = FineTune.of(model)
          .name(modelName)
          .optimizer(optimizer(o.getOrDefault("optimizer", "adamw")))
          .callbacks(stop);
      settings.forEach((setting, v) -> chain.set(setting.name(), v));
      chain.learningRate(value(settings, TrainingSettings.LEARNING_RATE), policy);
      if (o.containsKey("quiet")) {
        chain.progressBar(false);
      }
      if (method != null) {
        chain.peft(method);
      }
      if (o.containsKey("schedule")) {
        chain.schedule(o.get("schedule"));
      }
      if (o.containsKey("checkpoints")) {
        chain.checkpoints(Path.of(o.get("checkpoints")), value(settings, TrainingSettings.CHECKPOINT_EVERY_STEPS));
      }
      if (o.containsKey("best-checkpoint")) {
        chain.callbacks(BestCheckpoint.on(task.mainMetric()).saveTo(Path.of(o.get("best-checkpoint")))
            .restoreAtEnd());
      }
      if (o.containsKey("resume-allow")) {
        chain.resumeAllowing(Arrays.stream(o.get("resume-allow").split(",")).map(String::strip)
            .map(name -> ALIASES.containsKey(name) ? ALIASES.get(name).name() : name)
            .toArray(String[]::new));
      }
      TrainingReport report = chain.fit(data);
      boolean stoppedBySignal = stop.isRequested() && report.stopReason().isPresent();
      if (o.containsKey("save") && !stoppedBySignal) {
        Path target = Path.of(o.get("save"));
        if (MethodCheckpoint.adapterOf(model).isPresent()) {
          MethodCheckpoint.save(model, target);
        } else {
          model.save(target);
        }
      }
      return report;
    }
  }

  private static TaskData loadData(Tasks.Task task, String dir) {
    Path path = dir == null ? null : Path.of(dir);
    if (path != null && !Files.isDirectory(path)) {
      throw new IllegalArgumentException("--data " + dir + " is not a folder");
    }
    return task.load(path);
  }

  private static LrPolicy lrPolicy(Map<String, String> o) {
    double decay = Double.parseDouble(o.getOrDefault("layer-decay", "1"));
    double head = Double.parseDouble(o.getOrDefault("head-lr-factor", "1"));
    if (!(decay > 0 && decay <= 1)) {
      throw new IllegalArgumentException("--layer-decay must be in (0, 1], got " + o.get("layer-decay"));
    }
    if (!(head > 0)) {
      throw new IllegalArgumentException("--head-lr-factor must be > 0, got " + o.get("head-lr-factor"));
    }
    LrPolicy policy = decay < 1 ? LrPolicies.layerwiseDecay(decay) : LrPolicies.uniform();
    return head != 1 ? policy.withHeadMultiplier(head) : policy;
  }

  /**
   * The --method spec from the registry; --lora-r, --lora-alpha and --lora-targets become the
   * arguments r, alpha and targets of {@code lora} (alpha defaults to r here, PEFT's scale 1).
   */
  private static ModelTransform method(String text, Map<String, String> o) {
    MethodSpec spec = MethodSpec.parse(text);
    if (FineTuningMethods.find(spec.name()).isEmpty()) {
      throw new IllegalArgumentException("--method " + text + " is unknown; use one of "
          + FineTuningMethods.usages());
    }
    boolean lora = spec.name().equals("lora");
    List<String> args = new ArrayList<>();
    for (String option : List.of("lora-r", "lora-alpha", "lora-targets")) {
      if (!o.containsKey(option)) {
        continue;
      }
      if (!lora) {
        throw new IllegalArgumentException("--" + option + " applies to --method lora only, not " + text);
      }
      String value = o.get(option);
      if (option.equals("lora-targets")) {
        value = String.join("|", Arrays.stream(value.split(","))
            .map(String::trim).filter(t -> !t.isEmpty()).toList());
        if (value.isEmpty()) {
          throw new IllegalArgumentException("--lora-targets needs at least one module suffix, e.g. query,value");
        }
      }
      args.add(option.substring("lora-".length()) + "=" + value);
    }
    if (lora && !o.containsKey("lora-alpha") && spec.arg(1, "alpha").isEmpty()) {
      args.add("alpha=" + o.getOrDefault("lora-r", Integer.toString(spec.intArg(0, "r", 8))));
    }
    String full = args.isEmpty() ? text : text.contains("(")
        ? text.substring(0, text.lastIndexOf(')')) + ", " + String.join(", ", args) + ")"
        : text + "(" + String.join(", ", args) + ")";
    FineTuningMethod method = FineTuningMethods.parse(full);
    return method == FineTuningMethods.full() ? null : method;
  }

  private static OptimizerSpec optimizer(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "adamw" -> Optimizers.adamW();
      case "adam" -> Optimizers.adam();
      case "sgd" -> Optimizers.sgd().momentum(0.9);
      case "nesterov" -> Optimizers.sgd().momentum(0.9).nesterov(true);
      default -> throw new IllegalArgumentException(
          "--optimizer " + name + " is unknown; use adamw, adam, sgd or nesterov");
    };
  }

  /**
   * The training settings' values: given on the command line (by option or alias), else
   * Quickstart's default, else the library's.
   */
  private static Map<Setting<?>, Object> settings(Map<String, String> o) {
    Map<Setting<?>, Object> values = new LinkedHashMap<>();
    for (Setting<?> s : TrainingSettings.ALL) {
      values.put(s, DEFAULTS.getOrDefault(s, s.defaultValue()));
    }
    Map<Setting<?>, String> givenBy = new LinkedHashMap<>();
    o.forEach((option, text) -> {
      Setting<?> s = setting(option);
      if (s != null) {
        String earlier = givenBy.put(s, option);
        if (earlier != null) {
          throw new IllegalArgumentException("--" + earlier + " and --" + option + " both set "
              + s.name() + "; give it once");
        }
        values.put(s, s.convert(text, "--" + option));
      }
    });
    return values;
  }

  private static <T> T value(Map<Setting<?>, Object> values, Setting<T> setting) {
    return setting.type().cast(values.get(setting));
  }

  /** The setting an option sets, or null for Quickstart's own options. */
  private static Setting<?> setting(String option) {
    if (ALIASES.containsKey(option)) {
      return ALIASES.get(option);
    }
    return TrainingSettings.ALL.stream().filter(s -> s.optionName().equals(option)).findFirst().orElse(null);
  }

  /** The training settings' part of the usage text, from the table. */
  private static String settingsHelp() {
    StringBuilder out = new StringBuilder("\ntraining settings (");
    ALIASES.forEach((alias, s) -> out.append("--").append(alias).append(" is short for ").append(s.flag()).append("; "));
    out.append("values are checked before anything loads):\n");
    for (Setting<?> s : TrainingSettings.ALL) {
      Object value = DEFAULTS.getOrDefault(s, s.defaultValue());
      String shown = value instanceof Double x ? x.toString().replace(".0E", "E").toLowerCase(Locale.ROOT)
          : s.format(value);
      String head = "  " + s.flag() + " " + s.metavar();
      List<String> words = new ArrayList<>(Arrays.asList(s.help().split(" ")));
      words.add("(default " + shown + ";"); // kept on one line
      words.addAll(Arrays.asList((s.expected() + ")").split(" ")));
      StringBuilder line = new StringBuilder(head);
      int column = head.length();
      if (column >= HELP_COLUMN - 1) {
        line.append('\n');
        column = 0;
      }
      line.append(" ".repeat(HELP_COLUMN - column));
      column = HELP_COLUMN;
      for (String word : words) {
        if (column > HELP_COLUMN && column + 1 + word.length() > WIDTH) {
          line.append('\n').append(" ".repeat(HELP_COLUMN));
          column = HELP_COLUMN;
        } else if (column > HELP_COLUMN) {
          line.append(' ');
          column++;
        }
        line.append(word);
        column += word.length();
      }
      out.append(line).append('\n');
    }
    return out.toString();
  }

  private static final List<String> FLAGS = List.of("help", "quiet", "verbose");
  private static final List<String> VALUED = Stream.concat(Stream.of("task", "data", "model",
      "layers", "method", "train-size", "dev-size", "optimizer", "schedule", "checkpoints", "resume-allow", "output",
      "save", "best-checkpoint", "layer-decay", "head-lr-factor", "lora-r", "lora-alpha", "lora-targets"),
      Stream.concat(ALIASES.keySet().stream(), TrainingSettings.ALL.stream().map(Setting::optionName))).toList();

  /** Quickstart's whole-number options and their smallest values. */
  private static final Map<String, Integer> MINIMA =
      Map.of("layers", 1, "train-size", 0, "dev-size", 0, "lora-r", 1);

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = CommandLineOptions.parse(args, FLAGS, VALUED);
    settings(options);
    for (Map.Entry<String, Integer> numeric : MINIMA.entrySet()) {
      String name = numeric.getKey();
      if (options.containsKey(name)) {
        String text = options.get(name);
        int value;
        try {
          value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + text + "'");
        }
        if (value < numeric.getValue()) {
          throw new IllegalArgumentException("--" + name + " must be at least " + numeric.getValue()
              + (name.endsWith("-size") ? " (0 = all)" : "") + ", got " + value);
        }
      }
    }
    for (String decimal : List.of("layer-decay", "head-lr-factor", "lora-alpha")) {
      if (options.containsKey(decimal)) {
        try {
          Double.parseDouble(options.get(decimal));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--" + decimal + " must be a number, got '" + options.get(decimal) + "'");
        }
      }
    }
    return options;
  }
}
