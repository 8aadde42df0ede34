package dev.finetune.experiments.grid;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.finetune.core.data.DatasetSplit;
import dev.finetune.core.data.Glue;
import dev.finetune.core.data.Imdb;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.PretrainedEncoder;
import dev.finetune.core.optim.Optimizers;
import dev.finetune.core.train.callbacks.Callbacks;
import dev.finetune.peft.Adapters;
import dev.finetune.peft.Peft;
import dev.finetune.peft.Selective;
import dev.finetune.schedules.Schedules;
import dev.finetune.schedules.policy.LrPolicies;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The three reference studies of {@code shared/SEEDS.md} as experiment grids, each in two
 * profiles: {@link Profile#CPU} (small samples, a truncated MiniLM, few epochs: 10-45 minutes on
 * two CPU cores), {@link Profile#FULL} (the studies' own sizes, for a GPU machine) and
 * {@link Profile#SMOKE} (a minute or two, to check that every cell runs). Building a
 * grid loads nothing; the data and the model load when the first cell runs. Every setting is in
 * the grid's {@link ExperimentGrid#description()}, printed above its result table.
 *
 * <ul>
 *   <li><b>A</b> (SST-2, CoLA): scheme Fixed / Nesterov / Differential / Gradual Unfreeze × Houlsby
 *       adapter or not × slanted-triangular schedule or constant (the triangle on Fixed only, as in
 *       the report): ten rows per data set.
 *   <li><b>B</b> (IMDb): split 90/10 and 30/70 of a pool × all layers / embeddings only / encoder
 *       only / prompt tuning (20 tokens) / BitFit.
 *   <li><b>C</b> (SST-2): baseline, layer-wise LR decay, grouped LLRD, warm-up, re-initialised top
 *       layers, SWA.
 * </ul>
 *
 * <pre>{@code
 * ExperimentGrid a = Studies.grid("A", Profile.CPU, Path.of("../shared/data"), null);
 * GridResults results = a.run(Path.of("runs/grids/study-a-cpu"));
 * GridReport.write(results, Path.of("runs/grids/study-a-cpu"));
 * }</pre>
 */
public final class Studies {

  /** The size of a study run. */
  public enum Profile {
    /** Small enough for 10-45 minutes per study on two CPU cores (under the hour each). */
    CPU,
    /** The studies' own settings, for a GPU machine. */
    FULL,
    /** A minute or two: 64 examples, one epoch, to check that every cell of a study runs. */
    SMOKE;

    /**
     * Reads a profile name.
     *
     * @param name {@code cpu} or {@code full}
     * @return the profile
     * @throws IllegalArgumentException for another name
     */
    public static Profile of(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "cpu" -> CPU;
        case "full" -> FULL;
        case "smoke" -> SMOKE;
        default -> throw new IllegalArgumentException("profile '" + name + "' is unknown; use cpu, full or smoke");
      };
    }
  }

  /** The data seed of all samples and splits (the training seed is the cell's). */
  public static final long DATA_SEED = 42;

  private Studies() {}

  /**
   * A study's grid.
   *
   * @param study {@code A}, {@code B} or {@code C}
   * @param profile the size
   * @param dataRoot the folder holding {@code sst2/}, {@code cola/} and {@code imdb/}, or null for
   *     the library's default locations (data root, cache)
   * @param modelDir a Hugging Face model folder, or null for the embedded all-MiniLM-L6-v2
   * @return the grid
   * @throws IllegalArgumentException for an unknown study
   */
  public static ExperimentGrid grid(String study, Profile profile, Path dataRoot, Path modelDir) {
    return switch (study.toUpperCase(Locale.ROOT)) {
      case "A" -> studyA(profile, dataRoot, modelDir);
      case "B" -> studyB(profile, dataRoot, modelDir);
      case "C" -> studyC(profile, dataRoot, modelDir);
      default -> throw new IllegalArgumentException("study '" + study + "' is unknown; use A, B or C");
    };
  }

  // ------------------------------------------------------------------ A

  /**
   * Study A: learning schemes on SST-2 and CoLA (20 cells per seed).
   *
   * @param profile the size
   * @param dataRoot folder with {@code sst2/} and {@code cola/}, or null for the defaults
   * @param modelDir a model folder, or null for the embedded MiniLM
   * @return the grid
   */
  public static ExperimentGrid studyA(Profile profile, Path dataRoot, Path modelDir) {
    boolean cpu = profile != Profile.FULL;
    boolean smoke = profile == Profile.SMOKE;
    int layers = smoke ? 1 : cpu ? 3 : 0;
    int trainSize = smoke ? 64 : cpu ? 1000 : 0;
    // CoLA's 8,551 sentences are short; with 1,000 of them no scheme learned past the majority
    // class in 3 epochs (MCC 0), so the cpu profile trains on all of them
    int colaTrainSize = smoke ? 64 : 0;
    int validationSize = smoke ? 32 : cpu ? 500 : 0;
    int maxLength = smoke ? 32 : cpu ? 64 : 128;
    int sst2Epochs = smoke ? 1 : cpu ? 3 : 5;
    int colaEpochs = smoke ? 1 : cpu ? 3 : 10;
    int batch = smoke ? 4 : 32;
    double adamLr = cpu ? 1e-4 : 2e-5;
    double sgdLr = 0.01;
    double adapterScale = 10;
    long[] seeds = cpu ? new long[] {42} : new long[] {42, 43, 44};
    Supplier<Device> device = device(profile);
    Supplier<PretrainedEncoder> encoder = encoder(layers, modelDir, device);
    Supplier<DatasetSplit> sst2 = Lazy.of(() -> subset(dataRoot == null ? Glue.sst2()
        : Glue.sst2(dataRoot.resolve("sst2")), trainSize, validationSize));
    Supplier<DatasetSplit> cola = Lazy.of(() -> subset(dataRoot == null ? Glue.cola()
        : Glue.cola(dataRoot.resolve("cola")), colaTrainSize, validationSize));

    ExperimentGrid.Builder grid = ExperimentGrid.builder("Study A (" + profile.name().toLowerCase(Locale.ROOT)
        + "): learning schemes on SST-2 and CoLA");
    describeCommon(grid, profile, modelDir, layers, trainSize, validationSize, maxLength, seeds);
    if (cpu && !smoke) {
      grid.describe("CoLA: its full training set (8,551 sentences) instead of the sample, which"
          + " learned nothing past the majority class in 3 epochs (MCC 0); SST-2: the sample");
    }
    grid.describe("epochs: SST-2 " + sst2Epochs + ", CoLA " + colaEpochs + "; batch " + batch + "; gradient clipping 1.0")
        .describe("Fixed: AdamW (weight decay 0.01), one LR " + adamLr + " for all parameters;"
            + " Nesterov: SGD momentum 0.9 Nesterov, LR " + sgdLr + " (the report's initial LR);"
            + " Differential: AdamW, LR " + adamLr + " at the top, divided by 2.6 per layer down"
            + " (LrPolicies.discriminative()); Gradual Unfreeze: AdamW " + adamLr + ", the head alone"
            + " in epoch 1, then one more layer from the top each epoch (GradualUnfreezing.perEpoch())")
        .describe("adapter: Houlsby bottleneck adapters (reduction 16) after attention and FFN, base frozen,"
            + " LR x" + (int) adapterScale + " with AdamW (x1 with SGD)")
        .describe("schedule: constant LR, or slanted triangular (ULMFiT: cut_frac 0.1, ratio 32) on the"
            + " Fixed rows only, as in the report")
        .model(cell -> encoder.get().classifier().numLabels(2).seed(cell.seed()).build())
        .configure(s -> s.chain(c -> c.batchSize(batch).maxLength(maxLength).device(device.get())))
        .axis("data",
            Variant.of("sst2", s -> s.data(sst2.get().train(), sst2.get().validation())
                .chain(c -> c.epochs(sst2Epochs))),
            Variant.of("cola", s -> s.data(cola.get().train(), cola.get().validation())
                .chain(c -> c.epochs(colaEpochs))))
        .axis("scheme",
            Variant.of("fixed", s -> s.learningRate(adamLr).lrPolicy(LrPolicies.uniform())
                .chain(c -> c.optimizer(Optimizers.adamW()))),
            Variant.of("nesterov", s -> s.learningRate(sgdLr)
                .chain(c -> c.optimizer(Optimizers.sgd().momentum(0.9).nesterov(true)))),
            Variant.of("differential", s -> s.learningRate(adamLr).lrPolicy(LrPolicies.discriminative())
                .chain(c -> c.optimizer(Optimizers.adamW()))),
            Variant.of("gradual-unfreeze", s -> s.learningRate(adamLr)
                .chain(c -> c.optimizer(Optimizers.adamW()).callbacks(Callbacks.gradualUnfreezing().perEpoch()))))
        .axis("adapter",
            Variant.none("none"),
            Variant.of("houlsby", s -> {
              s.chain(c -> c.peft(Adapters.houlsby().reduction(16)));
              if (!s.cell().value("scheme").equals("nesterov")) {
                s.scaleLearningRate(adapterScale);
              }
            }))
        .axis("schedule",
            Variant.of("constant", s -> s.chain(c -> c.schedule(Schedules.constant(1.0)))),
            Variant.of("triangle", s -> s.chain(c -> c.schedule(Schedules.slantedTriangular(1.0)))))
        .only(cell -> cell.value("schedule").equals("constant") || cell.value("scheme").equals("fixed"))
        .seeds(seeds);
    return grid.build();
  }

  // ------------------------------------------------------------------ B

  /**
   * Study B: parameter-efficient methods on IMDb at two train/validation splits (10 cells per seed).
   *
   * @param profile the size
   * @param dataRoot folder with {@code imdb/}, or null for the defaults
   * @param modelDir a model folder, or null for the embedded MiniLM
   * @return the grid
   */
  public static ExperimentGrid studyB(Profile profile, Path dataRoot, Path modelDir) {
    boolean cpu = profile != Profile.FULL;
    boolean smoke = profile == Profile.SMOKE;
    int layers = smoke ? 1 : cpu ? 2 : 0;
    int pool = smoke ? 100 : cpu ? 1000 : 0;
    int maxLength = smoke ? 32 : cpu ? 128 : 256;
    int epochs = smoke ? 1 : cpu ? 3 : 10;
    int batch = smoke ? 4 : 32;
    double lr = cpu ? 1e-4 : 5e-5;
    long[] seeds = cpu ? new long[] {42} : new long[] {42, 43, 44};
    Supplier<Device> device = device(profile);
    Supplier<PretrainedEncoder> encoder = encoder(layers, modelDir, device);
    Supplier<TextDataset> data = Lazy.of(() -> {
      TextDataset train = (dataRoot == null ? Imdb.load() : Imdb.load(dataRoot.resolve("imdb"))).train();
      return pool > 0 ? train.sample(pool, DATA_SEED) : train;
    });

    ExperimentGrid.Builder grid = ExperimentGrid.builder("Study B (" + profile.name().toLowerCase(Locale.ROOT)
        + "): efficient adaptation on IMDb");
    describeCommon(grid, profile, modelDir, layers, -1, -1, maxLength, seeds);
    grid.describe("data: " + (pool > 0 ? "a seeded sample of " + pool + " reviews of" : "all of")
            + " IMDb's train set, split stratified (seed " + DATA_SEED + ") into train/validation 90/10 or 30/70")
        .describe("epochs " + epochs + "; batch " + batch + "; AdamW (weight decay 0.01); 10% linear warm-up then"
            + " linear decay; LR " + lr + " for all layers / embeddings only / encoder only (Selective"
            + " presets: the head trains too), 1e-3 for BitFit, 1e-2 for prompt tuning (20 random soft"
            + " tokens, the head trains too)")
        .model(cell -> encoder.get().classifier().numLabels(2).seed(cell.seed()).build())
        .configure(s -> s.learningRate(lr).chain(c -> c.epochs(epochs).batchSize(batch).maxLength(maxLength)
            .device(device.get())))
        .axis("split",
            Variant.of("90-10", s -> split(s, data.get(), 0.9)),
            Variant.of("30-70", s -> split(s, data.get(), 0.3)))
        .axis("method",
            Variant.none("all-layers"),
            Variant.of("embeddings-only", s -> s.chain(c -> c.peft(Selective.embeddingsOnly()))),
            Variant.of("encoder-only", s -> s.chain(c -> c.peft(Selective.encoderOnly()))),
            Variant.of("prompt-20", s -> s.learningRate(1e-2).chain(c -> c.peft(Peft.promptTuning(20)))),
            Variant.of("bitfit", s -> s.learningRate(1e-3).chain(c -> c.peft(Peft.bitFit()))))
        .seeds(seeds);
    return grid.build();
  }

  private static void split(CellSetup s, TextDataset pool, double trainFraction) {
    DatasetSplit split = pool.split(trainFraction, DATA_SEED, true);
    s.data(split.train(), split.validation());
  }

  // ------------------------------------------------------------------ C

  /**
   * Study C: advanced techniques against a plain baseline on SST-2 (6 cells per seed).
   *
   * @param profile the size
   * @param dataRoot folder with {@code sst2/}, or null for the defaults
   * @param modelDir a model folder, or null for the embedded MiniLM
   * @return the grid
   */
  public static ExperimentGrid studyC(Profile profile, Path dataRoot, Path modelDir) {
    boolean cpu = profile != Profile.FULL;
    boolean smoke = profile == Profile.SMOKE;
    int layers = cpu ? 3 : 0;
    int trainSize = smoke ? 64 : cpu ? 1500 : 0;
    int validationSize = smoke ? 32 : cpu ? 500 : 0;
    int maxLength = smoke ? 32 : 64;
    int epochs = smoke ? 1 : 3;
    int batch = smoke ? 4 : 32;
    double lr = cpu ? 1e-4 : 2e-5;
    int warmupSteps = cpu ? 10 : 50;
    int reinit = cpu ? 1 : 2;
    int swaEvery = smoke ? 1 : cpu ? 5 : 50;
    long[] seeds = smoke ? new long[] {42} : cpu ? new long[] {42, 43} : new long[] {42, 43, 44};
    Supplier<Device> device = device(profile);
    Supplier<PretrainedEncoder> encoder = encoder(layers, modelDir, device);
    Supplier<DatasetSplit> sst2 = Lazy.of(() -> subset(dataRoot == null ? Glue.sst2()
        : Glue.sst2(dataRoot.resolve("sst2")), trainSize, validationSize));

    ExperimentGrid.Builder grid = ExperimentGrid.builder("Study C (" + profile.name().toLowerCase(Locale.ROOT)
        + "): advanced techniques on SST-2");
    describeCommon(grid, profile, modelDir, layers, trainSize, validationSize, maxLength, seeds);
    grid.describe("epochs " + epochs + "; batch " + batch + "; AdamW (weight decay 0.01), LR " + lr
            + "; baseline: one LR for all parameters, linear decay to 0 without warm-up")
        .describe("llrd: LR x0.9 per layer down from the top (LrPolicies.layerwiseDecay(0.9));"
            + " grouped-llrd: three layer groups, LR x0.5 per group down, embeddings lowest, head at the"
            + " base LR (LrPolicies.groupedDecay(3, 0.5)); warmup: " + warmupSteps + " steps linear from 0,"
            + " then linear decay; reinit-top: the top " + reinit + " layer(s) and the pooler"
            + " re-initialised (ReinitTopLayers); swa: the last 25% of the steps at the LR in force when the"
            + " phase starts, weights averaged every " + swaEvery + " steps (Swa.lastFraction(0.25)), reported as 'swa acc'")
        .model(cell -> encoder.get().classifier().numLabels(2).seed(cell.seed()).build())
        .data(sst2)
        .configure(s -> s.learningRate(lr).chain(c -> c.epochs(epochs).batchSize(batch).maxLength(maxLength)
            .optimizer(Optimizers.adamW()).schedule(Schedules.warmup(0).thenLinearDecay())
            .device(device.get())))
        .axis("technique",
            Variant.none("baseline"),
            Variant.of("llrd", s -> s.lrPolicy(LrPolicies.layerwiseDecay(0.9))),
            Variant.of("grouped-llrd", s -> s.lrPolicy(LrPolicies.groupedDecay(3, 0.5))),
            Variant.of("warmup", s -> s.chain(c -> c.schedule(Schedules.warmupSteps(warmupSteps).thenLinearDecay()))),
            Variant.of("reinit-top", s -> s.chain(c -> c.callbacks(Callbacks.reinitTopLayers(reinit)))),
            Variant.of("swa", s -> s.chain(c -> c.callbacks(Callbacks.swa(0.25).averageEverySteps(swaEvery)))))
        .seeds(seeds);
    return grid.build();
  }

  // ------------------------------------------------------------------ shared

  private static DatasetSplit subset(DatasetSplit split, int trainSize, int validationSize) {
    TextDataset train = trainSize > 0 ? split.train().sample(trainSize, DATA_SEED) : split.train();
    TextDataset dev = validationSize > 0 ? split.validation().take(validationSize) : split.validation();
    return new DatasetSplit(train, dev);
  }

  private static Supplier<Device> device(Profile profile) {
    return Lazy.of(() -> profile == Profile.FULL && Engine.getInstance().getGpuCount() > 0
        ? Device.gpu() : Device.cpu());
  }

  private static Supplier<PretrainedEncoder> encoder(int layers, Path modelDir, Supplier<Device> device) {
    return Lazy.of(() -> {
      Encoders.Loader loader = Encoders.loader().keepLayers(layers).device(device.get());
      return modelDir == null ? loader.embeddedMiniLm() : loader.load(modelDir);
    });
  }

  private static void describeCommon(ExperimentGrid.Builder grid, Profile profile, Path modelDir, int layers,
      int trainSize, int validationSize, int maxLength, long[] seeds) {
    // trainSize: > 0 a sample, 0 the full sets, < 0 the grid describes its data itself
    grid.describe("profile " + profile.name().toLowerCase(Locale.ROOT) + "; model "
        + (modelDir == null ? "all-MiniLM-L6-v2 (embedded)" : modelDir.toString())
        + (layers > 0 ? ", first " + layers + " of its layers" : ", all layers")
        + "; device " + (profile == Profile.FULL ? "GPU when one is visible, else CPU" : "CPU"));
    if (trainSize > 0 || validationSize > 0) {
      grid.describe("data: a seeded sample (seed " + DATA_SEED + ") of " + trainSize + " training examples;"
          + " the first " + validationSize + " validation examples");
    } else if (trainSize == 0) {
      grid.describe("data: the full train and validation sets");
    }
    StringBuilder s = new StringBuilder("max length " + maxLength + " tokens; seeds");
    for (long seed : seeds) {
      s.append(' ').append(seed);
    }
    grid.describe(s + (seeds.length > 1 ? " (mean ± std over them)" : ""));
  }
}
