// Fine-tune the embedded all-MiniLM-L6-v2 on SST-2 from JShell, one step at a time.
//
// Start it from the repository root with the project on the class path:
//
//   finetune-examples/jshell.sh finetune-examples/src/main/jshell/sst2.jsh
//
// or open a session (finetune-examples/jshell.sh) and paste the steps below one by one.
// Settings: a JVM property of the JShell execution VM (-R-Djsh.trainSize=64), else an environment
// variable (JSH_TRAIN_SIZE=64), else the default below:
//
//   jsh.data       JSH_DATA        SST-2 folder (train.tsv, dev.tsv); default: the data root
//                                  (-Dfinetune.data / FINETUNE_DATA), the cache, or a download
//   jsh.trainSize  JSH_TRAIN_SIZE  seeded sample of the training set      (default 500)
//   jsh.devSize    JSH_DEV_SIZE    first validation sentences to evaluate  (default 200)
//   jsh.epochs     JSH_EPOCHS      (default 2)
//   jsh.maxLength  JSH_MAX_LENGTH  tokens per sentence                     (default 64)
//   jsh.layers     JSH_LAYERS      keep the first K of MiniLM's 6 layers   (default 6)
//   jsh.method     JSH_METHOD      a method of the registry: full, lora(r=8,alpha=16),
//                                  houlsby(16), bitfit, prefix(20), ... (default lora(r=8,alpha=16))
//   jsh.lr         JSH_LR          base learning rate                      (default 5e-4)
//   jsh.schedule   JSH_SCHEDULE    a PyTorch or Hugging Face schedule spec (default
//                                  cosine_with_warmup(warmup_ratio=0.1))
//   jsh.device     JSH_DEVICE      cpu, gpu, gpu:N or cuda:N (default cpu; a GPU request without a
//                                  GPU falls back to the CPU with one warning)
//
// JShell reports a failing line and goes on with the next one, and a script that ends without
// /exit leaves JShell waiting for input. So `ok` starts false, only the last step sets it (when the
// report shows the run that was asked for), and the last line exits with 1 unless it is true.

boolean ok = false;

// Step 0: imports. JShell already imports java.util.*, java.nio.file.* and java.io.*.
import dev.finetune.core.data.*;
import dev.finetune.core.method.*;
import dev.finetune.core.model.*;
import dev.finetune.core.optim.Optimizers;
import dev.finetune.core.report.*;
import dev.finetune.core.train.*;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.peft.*;
import static dev.finetune.core.train.callbacks.Callbacks.*;

// A setting: JVM property, else environment variable, else the default.
String setting(String property, String fallback) {
  String value = System.getProperty(property);
  if (value == null) {
    value = System.getenv(property.replaceFirst("^jsh\\.", "JSH_").replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
  }
  return value == null || value.isBlank() ? fallback : value.trim();
}

int trainSize = Integer.parseInt(setting("jsh.trainSize", "500"));
int devSize = Integer.parseInt(setting("jsh.devSize", "200"));
int epochs = Integer.parseInt(setting("jsh.epochs", "2"));
int maxLength = Integer.parseInt(setting("jsh.maxLength", "64"));
int layers = Integer.parseInt(setting("jsh.layers", "6"));
String method = setting("jsh.method", "lora(r=8,alpha=16)");
double lr = Double.parseDouble(setting("jsh.lr", "5e-4"));
String schedule = setting("jsh.schedule", "cosine_with_warmup(warmup_ratio=0.1)");
String dataDir = setting("jsh.data", "");
String device = setting("jsh.device", "cpu");
System.out.printf("settings: data=%s trainSize=%d devSize=%d epochs=%d maxLength=%d layers=%d method=%s lr=%s schedule=%s device=%s%n",
    dataDir.isEmpty() ? "(default location)" : dataDir, trainSize, devSize, epochs, maxLength, layers, method, lr, schedule, device);

// Step 1: the model. all-MiniLM-L6-v2 ships inside a Maven artifact (nothing is downloaded); the
// first call converts it into the cache (~/.cache/finetune), later calls just read it. keepLayers
// keeps the bottom K transformer layers: a smaller, faster model for a quick try. The model is
// created on the device it will train on (FineTune trains where the model lives).
PretrainedEncoder encoder = Encoders.loader().keepLayers(layers).device(Devices.parse(device)).embeddedMiniLm();

// Step 2: the data. Glue.sst2(dir) reads GLUE's train.tsv and dev.tsv; stratifiedSample(n, seed)
// draws a seeded subset in which each class keeps its share (take(n) would keep the first n,
// all of one class in a file sorted by label).
DatasetSplit sst2 = dataDir.isEmpty() ? Glue.sst2() : Glue.sst2(Path.of(dataDir));
TextDataset train = sst2.train().stratifiedSample(trainSize, 42);
TextDataset dev = sst2.validation().stratifiedSample(devSize, 42);
System.out.println("train: " + train + "\ndev:   " + dev);

// Step 3: a classifier on top of the encoder: pooled output -> dropout -> linear head, one
// output per label (2 for SST-2). It holds native memory: close it when done (Step 7).
SequenceClassifier model = encoder.forSequenceClassification(train.numLabels());

// Step 4: the fine-tuning method. A PEFT method freezes the base model and adds what it trains;
// full fine-tuning trains everything. Every method is an entry of one registry, looked up by name
// or spec text (name(args), with named arguments such as lora(r=8,alpha=16,targets=query|value));
// an unknown name fails here, listing the known ones.
System.out.println("methods: " + FineTuningMethods.usages());
FineTuningMethod chosen = FineTuningMethods.parse(method);
ModelTransform[] peft = chosen == FineTuningMethods.full() ? new ModelTransform[0] : new ModelTransform[] {chosen};

// Step 5: a callback. Listeners see every step and epoch; this one prints the loss about eight
// times a run and the accuracy after each epoch. The built-in ones (Callbacks, imported above)
// chain the same way: earlyStopping("accuracy").patience(2), swa(0.25), gradualUnfreezing().perEpoch().
TrainingListener printer = new TrainingListener() {
  @Override public void onStepEnd(TrainingContext ctx, double loss) {
    if (ctx.globalStep() % Math.max(1, ctx.totalSteps() / 8) == 0) {
      System.out.printf("  step %d/%d  loss %.4f  lr %.2e%n", ctx.globalStep(), ctx.totalSteps(), loss, ctx.learningRate());
    }
  }
  @Override public void onEpochEnd(TrainingContext ctx, EpochRecord record) {
    System.out.printf("  epoch %d: accuracy %.4f%n", record.epoch(), record.validationMetrics().get("accuracy"));
  }
};

// Step 6: the chain. The schedule is a spec string with PyTorch's or Hugging Face's names, copied
// from a Python script: by default Hugging Face's cosine decay after a 10% linear warm-up; the
// trainer fills in the number of steps (`OneCycleLR(max_lr=5e-4)` works too, given enough steps).
// fit trains, evaluates after each epoch and returns the report. In JShell a line that is a
// complete statement runs at once, so a chain over several lines goes in parentheses (or ends
// each line with the dot).
TrainingReport report = (FineTune.of(model)
    .name("all-MiniLM-L6-v2, " + layers + " layers")
    .peft(peft)
    .optimizer(Optimizers.adamW().weightDecay(0.01))
    .learningRate(lr)
    .schedule(schedule)
    .callbacks(printer, earlyStopping("accuracy").patience(2))
    .epochs(epochs).batchSize(16).maxLength(maxLength).seed(42)
    .progressBar(false)
    .fit(train, dev));

// Step 7: the report (one row per epoch: losses, accuracy, F1, MCC, time, tokens/s, trainable
// parameters); report.save(Path.of("runs/jshell")) would write report.json and report.csv.
System.out.println(report.table());
model.close();

// Done: exit 0 only when the report shows the run asked for, with finite losses. A step that
// failed above leaves `report` null or undefined, so `ok` stays false; a chain cut short would
// have trained with other settings.
EpochRecord last = report.lastEpoch();
ok = (Double.isFinite(last.trainLoss()) && Double.isFinite(last.validationLoss())
    && report.settings().get("max_length").equals(String.valueOf(maxLength))
    && report.settings().get("epochs").equals(String.valueOf(epochs))
    && (last.trainableParameters() < last.totalParameters()) == (chosen != FineTuningMethods.full()));
System.out.println(ok ? "FINETUNE-JSHELL-OK" : "FINETUNE-JSHELL-FAILED");
/exit ok ? 0 : 1
