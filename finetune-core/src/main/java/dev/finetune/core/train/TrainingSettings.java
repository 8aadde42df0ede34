package dev.finetune.core.train;

import ai.djl.Device;
import dev.finetune.core.data.Truncation;
import dev.finetune.core.model.Devices;
import dev.finetune.core.model.Precision;
import java.util.List;
import java.util.Objects;

/**
 * The table of scalar training settings: each declared once, here, with its name, type, default,
 * range and help. {@link TrainingConfig} takes its defaults, validation and report line from it,
 * {@link FineTune#set(String, Object)} sets any of them by name, command lines derive their options
 * from it and grid files their keys. Adding a setting is one declaration below plus, when the
 * training loop uses it, the code that reads it ({@code config.get(TrainingSettings.X)}).
 *
 * <p>Each setting says what resuming a checkpoint with another value does ({@link
 * Setting.OnResume}): {@code FIXED} (the default: batch size, seed, accumulation, bucketing, which
 * fix the data order and the position the checkpoint stopped at) is always refused; {@code
 * ALLOWABLE} (epochs, learning rate, clipping, lengths, evaluation) keeps the saved position and
 * state valid and is refused unless the user allows it; {@code NO_EFFECT} (progress bar, save
 * interval) changes nothing the run computes.
 *
 * <p>Object-valued choices (optimizer, schedule, LR and weight-decay policies, PEFT methods,
 * callbacks, checkpoint folder) are not in the table: they have their own factories.
 *
 * <pre>{@code
 * for (Setting<?> s : TrainingSettings.ALL) {
 *   System.out.println(s.flag() + " " + s.metavar() + "  " + s.help() + " (default " + s.defaultValue() + ")");
 * }
 * Setting<?> s = TrainingSettings.find("max_grad_norm"); // any spelling: maxGradNorm, --max-grad-norm
 * }</pre>
 */
public final class TrainingSettings {

  /** Passes over the training set. */
  public static final Setting<Integer> EPOCHS =
      Setting.whole("epochs", 3, 1, null, "passes over the training set")
          .onResume(Setting.OnResume.ALLOWABLE);
  /** Examples per micro-batch. */
  public static final Setting<Integer> BATCH_SIZE =
      Setting.whole("batchSize", 32, 1, null, "examples per micro-batch");
  /** Truncation length in tokens. */
  public static final Setting<Integer> MAX_LENGTH =
      Setting.whole("maxLength", 128, 1, null, "truncation length in tokens")
          .onResume(Setting.OnResume.ALLOWABLE);
  /** Seeds data order, dropout and initialisation. */
  public static final Setting<Long> SEED =
      Setting.anyWhole("seed", 42, "seeds data order, dropout and head initialisation");
  /** The base learning rate. */
  public static final Setting<Double> LEARNING_RATE =
      Setting.number("learningRate", 2e-5, 0, false, null, "base learning rate")
          .onResume(Setting.OnResume.ALLOWABLE);
  /** Global-norm gradient clipping threshold. */
  public static final Setting<Double> MAX_GRAD_NORM = Setting.number("maxGradNorm", 1.0, 0, true,
      "0 = no clipping", "clip gradients to this global norm")
          .onResume(Setting.OnResume.ALLOWABLE);
  /** Micro-batches per optimizer step. */
  public static final Setting<Integer> ACCUMULATION = Setting.whole("accumulation", 1, 1, null,
      "micro-batches whose gradients are accumulated per optimizer step");
  /** Extra evaluations every n optimizer steps. */
  public static final Setting<Integer> EVALUATE_EVERY_STEPS = Setting.whole("evaluateEverySteps",
      0, 0, "0 = once per epoch", "also evaluate every N optimizer steps")
          .onResume(Setting.OnResume.ALLOWABLE);
  /** Length-bucketing window in batches. */
  public static final Setting<Integer> BUCKETING = Setting.whole("bucketing", 0, 0, "0 = off",
      "length bucketing: sort by length within windows of N batches to cut padding");
  /** Checkpoint every n optimizer steps besides each epoch end. */
  public static final Setting<Integer> CHECKPOINT_EVERY_STEPS = Setting.whole(
      "checkpointEverySteps", 0, 0, "0 = epoch ends only",
      "with a checkpoint folder, also save every N optimizer steps")
          .onResume(Setting.OnResume.NO_EFFECT);
  /** Whether to draw a progress bar on a terminal. */
  public static final Setting<Boolean> PROGRESS =
      Setting.bool("progress", true, "draw a progress bar on a terminal")
          .onResume(Setting.OnResume.NO_EFFECT);
  /** Where the model and tensors live. */
  public static final Setting<Device> DEVICE = Setting.parsed("device", Device.class, Device.cpu(),
      Devices.NAMES, Devices::parse, Devices::name, "NAME",
      "where the model lives and trains; a GPU request without a GPU falls back to the CPU with"
          + " one warning")
          .onResume(Setting.OnResume.ALLOWABLE);

  /** Whether {@code fit} first runs the LR range test and trains with its suggestion. */
  public static final Setting<LrFinder.Rule> LR_FINDER = Setting.parsed("lrFinder", LrFinder.Rule.class,
      LrFinder.Rule.OFF, LrFinder.Rule.names(), LrFinder.Rule::parse, LrFinder.Rule::toString, "RULE",
      "run the LR range test (fastai's lr_find, 100 steps from 1e-7 to 10, model restored after) before"
          + " training and train with its valley or steepest suggestion instead of the learning rate")
          .onResume(Setting.OnResume.ALLOWABLE);
  /** How sentence pairs longer than the max length are cut. */
  public static final Setting<Truncation> TRUNCATION = Setting.parsed("truncation",
      Truncation.class, Truncation.LONGEST_FIRST, "longest_first, only_first or only_second",
      Truncation::fromHfName, Truncation::toString, "NAME",
      "how a text pair longer than the max length is cut, as Hugging Face tokenizers do")
          .onResume(Setting.OnResume.ALLOWABLE);
  /** The decision threshold of multi-label heads. */
  public static final Setting<Double> THRESHOLD = Setting.fraction("threshold", 0.5,
      "multi-label heads: a label is predicted when its sigmoid probability is >= this")
          .onResume(Setting.OnResume.ALLOWABLE);
  /** Whether multi-label metrics tune one threshold per label on the validation predictions. */
  public static final Setting<Boolean> TUNE_THRESHOLDS = Setting.bool("tuneThresholds", false,
      "multi-label heads: per label, use the threshold in 0.05..0.95 that maximises its F1 on the"
          + " validation predictions (optimistic on that set) instead of the global one")
          .onResume(Setting.OnResume.ALLOWABLE);

  /** Sliding windows over long token-classification examples. */
  public static final Setting<Integer> STRIDE = Setting.whole("stride", 0, 0,
      "0 = truncate them, counted and logged",
      "token classification: cut sentences longer than the max length into sliding windows that"
          + " overlap by at least N sub-words, so that no word is left out");

  /** Whether each encoder layer is recomputed in the backward instead of keeping activations. */
  public static final Setting<Boolean> GRADIENT_CHECKPOINTING = Setting.bool(
      "gradientCheckpointing", false,
      "keep only each encoder layer's input and recompute the layer in the backward (same"
          + " gradients, dropout masks included; less memory, about one more forward of time)")
          .onResume(Setting.OnResume.NO_EFFECT);
  /** The precision of the forward and backward matrix products. */
  public static final Setting<Precision> PRECISION = Setting.parsed("precision", Precision.class,
      Precision.FP32, Precision.NAMES, Precision::parse, Precision::toString, "NAME",
      "precision of the matrix products in forward and backward: fp32, bf16 or fp16 (float16,"
          + " with dynamic loss scaling); master weights, optimizer state and saved models stay"
          + " float32")
          .onResume(Setting.OnResume.ALLOWABLE);

  /** Every setting, in report order. */
  public static final List<Setting<?>> ALL = List.of(EPOCHS, BATCH_SIZE, MAX_LENGTH, SEED,
      LEARNING_RATE, MAX_GRAD_NORM, ACCUMULATION, EVALUATE_EVERY_STEPS, BUCKETING,
      CHECKPOINT_EVERY_STEPS, PROGRESS, DEVICE, TRUNCATION, THRESHOLD, TUNE_THRESHOLDS, LR_FINDER,
      STRIDE, GRADIENT_CHECKPOINTING, PRECISION);

  private TrainingSettings() {}

  /**
   * Finds a setting by any of its spellings: the Java name ({@code maxGradNorm}), the JSON key
   * ({@code max_grad_norm}) or the command-line option ({@code max-grad-norm} or
   * {@code --max-grad-norm}).
   *
   * @param spelling the name
   * @return the setting
   * @throws IllegalArgumentException naming the unknown name and listing the known ones
   */
  public static Setting<?> find(String spelling) {
    Objects.requireNonNull(spelling, "name");
    String bare = spelling.startsWith("--") ? spelling.substring(2) : spelling;
    for (Setting<?> s : ALL) {
      if (bare.equals(s.name()) || bare.equals(s.jsonKey()) || bare.equals(s.optionName())) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown setting '" + spelling + "'; known settings: "
        + ALL.stream().map(Setting::name).toList()
        + " (or their snake_case / --kebab-case spellings)");
  }
}
