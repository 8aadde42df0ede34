package dev.finetune.examples;

import ai.djl.Device;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.data.DataException;
import dev.finetune.core.data.DatasetSplit;
import dev.finetune.core.data.Glue;
import dev.finetune.core.data.Imdb;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.method.MethodSpec;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.PretrainedEncoder;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.optim.OptimizerSpec;
import dev.finetune.core.optim.Optimizers;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.schedules.policy.LrPolicies;
import dev.finetune.schedules.policy.LrPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main job: fine-tunes an encoder (by default the embedded all-MiniLM-L6-v2, which needs no
 * download) on SST-2, CoLA or IMDb and prints the report. Run with {@code --help} for options.
 *
 * <pre>{@code
 * java dev.finetune.examples.Quickstart --data ../shared/data/sst2 --train-size 2000
 * }</pre>
 */
public final class Quickstart {

  private static final String USAGE =
      """
      Fine-tune a transformer encoder on a text-classification task and print the report.

      usage: quickstart [options]
        --task NAME          sst2 (default), cola or imdb
        --data DIR           folder with the task's files (train.tsv/dev.tsv, or train.csv/test.csv);
                             default: the data root (-Dfinetune.data / FINETUNE_DATA), then the cache
        --model DIR          Hugging Face model folder (config.json, model.safetensors, tokenizer.json);
                             default: the embedded all-MiniLM-L6-v2 from the Maven artifact
        --layers K           keep only the first K encoder layers (smaller, faster)
        --method SPEC         the fine-tuning method, name or name(args), e.g. lora(r=16,alpha=32);
                             default full. One of:
{methods}        --train-size N       train on a seeded sample of N examples (default 2000; 0 = all)
        --dev-size N         evaluate on the first N validation examples (default 0 = all)
        --epochs N           default 1
        --batch-size N       default 32
        --max-length N       default 64
        --lr X               base learning rate, default 5e-5
        --layer-decay D      layer-wise LR decay: the top layer gets the LR, each layer below D
                             times the one above (default 1: one LR for all layers)
        --head-lr-factor F   the classification head's LR = F x the top layer's (default 1)
        --lora-r N           LoRA rank with --method lora (default 8)
        --lora-alpha X       LoRA alpha (default: equal to r, PEFT's scale 1)
        --lora-targets LIST  LoRA target module suffixes, comma-separated (default query,value;
                             e.g. query,key,value,dense for every linear layer)
        --bucketing N        length bucketing: sort by length within windows of N batches to
                             cut padding (default 0 = off)
        --optimizer NAME     adamw (default), adam, sgd, nesterov
        --schedule SPEC      PyTorch/HF spec, e.g. 'OneCycleLR(max_lr=1e-4)'; default: 10% linear
                             warm-up, then linear decay
        --seed N             default 42
        --device NAME        cpu (default) or gpu (falls back to cpu when none)
        --checkpoints DIR    keep a resume checkpoint there (rerun to resume)
        --output DIR         also save report.json and report.csv there
        --quiet              no progress bar
        --help               this text
      """.replace("{methods}", FineTuningMethods.help(" ".repeat(31)));

  private Quickstart() {}

  /**
   * Runs the job.
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
   * Runs the job with explicit streams.
   *
   * @param args the options
   * @param out where the report goes
   * @param err where usage errors go
   * @return 0 on success, 2 on bad arguments
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (options.containsKey("help")) {
      out.print(USAGE);
      return 0;
    }
    try {
      TrainingReport report = fineTune(options);
      out.println(report.table());
      String dir = options.get("output");
      if (dir != null) {
        report.save(Path.of(dir));
        out.println("report saved to " + Path.of(dir).toAbsolutePath());
      }
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IOException | DataException | CheckpointException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static TrainingReport fineTune(Map<String, String> o) {
    ModelTransform method = method(o.getOrDefault("method", "full"), o);
    LrPolicy policy = lrPolicy(o);
    String task = o.getOrDefault("task", "sst2").toLowerCase(Locale.ROOT);
    DatasetSplit data = loadData(task, o.get("data"));
    long seed = Long.parseLong(o.getOrDefault("seed", "42"));
    int trainSize = Integer.parseInt(o.getOrDefault("train-size", "2000"));
    int devSize = Integer.parseInt(o.getOrDefault("dev-size", "0"));
    TextDataset train = trainSize > 0 && trainSize < data.train().size()
        ? data.train().sample(trainSize, seed) : data.train();
    TextDataset dev = devSize > 0 && devSize < data.validation().size()
        ? data.validation().take(devSize) : data.validation();

    Encoders.Loader loader = Encoders.loader();
    if (o.containsKey("layers")) {
      loader.keepLayers(Integer.parseInt(o.get("layers")));
    }
    String modelDir = o.get("model");
    PretrainedEncoder encoder = modelDir == null ? loader.embeddedMiniLm() : loader.load(Path.of(modelDir));
    String modelName = modelDir == null ? "all-MiniLM-L6-v2 (embedded)" : Path.of(modelDir).getFileName().toString();
    if (o.containsKey("layers")) {
      modelName += ", first " + o.get("layers") + " layers";
    }
    try (SequenceClassifier model = encoder.classifier().numLabels(train.numLabels()).seed(seed).build()) {
      FineTune chain = FineTune.of(model)
          .name(modelName)
          .optimizer(optimizer(o.getOrDefault("optimizer", "adamw")))
          .learningRate(Double.parseDouble(o.getOrDefault("lr", "5e-5")), policy)
          .epochs(Integer.parseInt(o.getOrDefault("epochs", "1")))
          .batchSize(Integer.parseInt(o.getOrDefault("batch-size", "32")))
          .maxLength(Integer.parseInt(o.getOrDefault("max-length", "64")))
          .seed(seed)
          .device("gpu".equalsIgnoreCase(o.get("device")) ? Device.gpu() : Device.cpu())
          .progressBar(!o.containsKey("quiet"));
      if (method != null) {
        chain.peft(method);
      }
      if (o.containsKey("schedule")) {
        chain.schedule(o.get("schedule"));
      }
      int bucketing = Integer.parseInt(o.getOrDefault("bucketing", "0"));
      if (bucketing > 0) {
        chain.lengthBucketing(bucketing);
      }
      if (o.containsKey("checkpoints")) {
        chain.checkpoints(Path.of(o.get("checkpoints")), 50);
      }
      return chain.fit(train, dev);
    }
  }

  private static DatasetSplit loadData(String task, String dir) {
    Path path = dir == null ? null : Path.of(dir);
    if (path != null && !Files.isDirectory(path)) {
      throw new IllegalArgumentException("--data " + dir + " is not a folder");
    }
    return switch (task) {
      case "sst2", "sst-2" -> path == null ? Glue.sst2() : Glue.sst2(path);
      case "cola" -> path == null ? Glue.cola() : Glue.cola(path);
      case "imdb" -> path == null ? Imdb.load() : Imdb.load(path);
      default -> throw new IllegalArgumentException("--task " + task + " is unknown; use sst2, cola or imdb");
    };
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

  private static final List<String> FLAGS = List.of("help", "quiet");
  private static final List<String> VALUED = List.of("task", "data", "model", "layers", "method", "train-size",
      "dev-size", "epochs", "batch-size", "max-length", "lr", "optimizer", "schedule", "seed",
      "device", "checkpoints", "output", "layer-decay", "head-lr-factor", "lora-r", "lora-alpha",
      "lora-targets", "bucketing");

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = CommandLineOptions.parse(args, FLAGS, VALUED);
    for (String numeric : List.of("layers", "train-size", "dev-size", "epochs", "batch-size",
        "max-length", "seed", "lora-r", "bucketing")) {
      if (options.containsKey(numeric)) {
        try {
          Long.parseLong(options.get(numeric));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--" + numeric + " must be a whole number, got '"
              + options.get(numeric) + "'");
        }
      }
    }
    for (String decimal : List.of("lr", "layer-decay", "head-lr-factor", "lora-alpha")) {
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
