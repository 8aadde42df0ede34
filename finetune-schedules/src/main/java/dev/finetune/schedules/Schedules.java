package dev.finetune.schedules;

import dev.finetune.schedules.spec.SpecArguments;
import dev.finetune.schedules.spec.SpecCall;
import dev.finetune.schedules.spec.SpecParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Creates learning-rate schedules, from Java or from a spec that uses the reference's own names.
 *
 * <p>Spec names: PyTorch {@code StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR,
 * PolynomialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR, SWALR,
 * SequentialLR}; Hugging Face {@code constant, constant_with_warmup, linear_with_warmup,
 * cosine_with_warmup, cosine_with_hard_restarts_with_warmup, polynomial_decay_with_warmup,
 * inverse_sqrt} (also under their {@code get_..._schedule...} function names and their
 * {@code SchedulerType} names {@code linear, cosine, cosine_with_restarts, polynomial}); ULMFiT
 * {@code slanted_triangular}; composition {@code warmup(S, num_warmup_steps=|warmup_ratio=,
 * mode=linear|constant, start_factor=)}, {@code scaled(S, factor=)},
 * {@code per_epoch(S, steps_per_epoch=)}. Arguments carry the reference's names and defaults;
 * where the reference takes the starting LR from the optimizer, the spec takes {@code lr=}, else
 * the base LR given to {@link #parse(String, double)} (1.0 by default, making values
 * multipliers); {@code parse(spec, baseLr)} thus equals {@code parse(spec).atBaseLr(baseLr)} for
 * a spec without {@code lr=} (see {@link LrSchedule} for absolute and relative schedules). The
 * Java factories below build relative schedules with {@code lr} 1.0 unless they take an LR.
 * Hugging Face schedules also accept {@code warmup_ratio=} (as
 * {@code TrainingArguments} does) and may omit {@code num_training_steps}; so may
 * {@code OneCycleLR}'s {@code total_steps} and {@code slanted_triangular}: they then span the
 * run's total. Names are matched exactly, then ignoring case.
 *
 * <pre>{@code
 * LrSchedule a = Schedules.parse("OneCycleLR(max_lr=0.01,total_steps=100,pct_start=0.25,anneal_strategy=linear)");
 * LrSchedule b = Schedules.parse("get_linear_schedule_with_warmup(optimizer, num_warmup_steps=10, num_training_steps=100)", 2e-5);
 * LrSchedule c = Schedules.warmup(0.1).thenLinearDecay().scaled(2e-5);
 * Schedules.parse(a.toString()).equals(a);  // true
 * }</pre>
 */
public final class Schedules {

  /** The base LR of schedules given none: values are then multipliers of the optimizer's LR. */
  public static final double DEFAULT_BASE_LR = 1.0;

  private record Entry(String name, List<String> signature,
      BiFunction<SpecArguments, Double, LrSchedule> factory) {}

  private static final Map<String, Entry> BY_NAME = new LinkedHashMap<>();
  private static final Map<String, String> ALIASES = new LinkedHashMap<>();

  private static final String OPT = "optimizer";
  private static final String LAST = "last_epoch";

  static {
    register(StepLr.NAME, List.of(OPT, "step_size", "gamma", LAST, "lr"),
        (a, lr) -> new StepLr(a.requireLong("step_size"), a.doubleOr("gamma", 0.1), a.lr()));
    register(MultiStepLr.NAME, List.of(OPT, "milestones", "gamma", LAST, "lr"),
        (a, lr) -> new MultiStepLr(a.requireLongList("milestones"), a.doubleOr("gamma", 0.1),
            a.lr()));
    register(ConstantLr.NAME, List.of(OPT, "factor", "total_iters", LAST, "lr"),
        (a, lr) -> new ConstantLr(a.doubleOr("factor", 1.0 / 3), a.longOr("total_iters", 5),
            a.lr()));
    register(LinearLr.NAME, List.of(OPT, "start_factor", "end_factor", "total_iters", LAST, "lr"),
        (a, lr) -> new LinearLr(a.doubleOr("start_factor", 1.0 / 3), a.doubleOr("end_factor", 1.0),
            a.longOr("total_iters", 5), a.lr()));
    register(ExponentialLr.NAME, List.of(OPT, "gamma", LAST, "lr"),
        (a, lr) -> new ExponentialLr(a.requireDouble("gamma"), a.lr()));
    register(PolynomialLr.NAME, List.of(OPT, "total_iters", "power", LAST, "lr"),
        (a, lr) -> new PolynomialLr(a.longOr("total_iters", 5), a.doubleOr("power", 1.0), a.lr()));
    register(CosineAnnealingLr.NAME, List.of(OPT, "T_max", "eta_min", LAST, "lr"),
        (a, lr) -> new CosineAnnealingLr(a.requireLong("T_max"), a.doubleOr("eta_min", 0.0),
            a.lr()));
    register(CosineAnnealingWarmRestarts.NAME,
        List.of(OPT, "T_0", "T_mult", "eta_min", LAST, "lr"),
        (a, lr) -> new CosineAnnealingWarmRestarts(a.requireLong("T_0"), a.longOr("T_mult", 1),
            a.doubleOr("eta_min", 0.0), a.lr()));
    register(CyclicLr.NAME,
        List.of(OPT, "base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma",
            "scale_fn", "scale_mode", "cycle_momentum", "base_momentum", "max_momentum", LAST),
        Schedules::cyclic);
    register(OneCycleLr.NAME,
        List.of(OPT, "max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start",
            "anneal_strategy", "cycle_momentum", "base_momentum", "max_momentum", "div_factor",
            "final_div_factor", "three_phase", LAST),
        Schedules::oneCycle);
    register(SwaLr.NAME, List.of(OPT, "swa_lr", "anneal_epochs", "anneal_strategy", LAST, "lr"),
        (a, lr) -> new SwaLr(a.requireDouble("swa_lr"), a.longOr("anneal_epochs", 10),
            Anneal.of(SwaLr.NAME, a.choiceOr("anneal_strategy", "cos", "cos", "linear")), a.lr()));
    register(Sequential.NAME, List.of(OPT, "schedulers", "milestones", LAST),
        (a, lr) -> {
          List<LrSchedule> parts = new ArrayList<>();
          for (SpecCall c : a.requireCallList("schedulers")) {
            parts.add(build(c, lr));
          }
          return new Sequential(parts, a.requireLongList("milestones"));
        });
    register(ConstantSchedule.NAME, List.of(OPT, LAST, "lr"),
        (a, lr) -> new ConstantSchedule(a.lr()));
    register(ConstantWithWarmup.NAME,
        List.of(OPT, "num_warmup_steps", LAST, "lr", "warmup_ratio"),
        (a, lr) -> new ConstantWithWarmup(WarmupLength.read(a), a.lr()));
    register(LinearWithWarmup.NAME,
        List.of(OPT, "num_warmup_steps", "num_training_steps", LAST, "lr", "warmup_ratio"),
        (a, lr) -> new LinearWithWarmup(WarmupLength.read(a), a.optionalLong("num_training_steps"),
            a.lr()));
    register(CosineWithWarmup.NAME,
        List.of(OPT, "num_warmup_steps", "num_training_steps", "num_cycles", LAST, "lr",
            "warmup_ratio"),
        (a, lr) -> new CosineWithWarmup(WarmupLength.read(a), a.optionalLong("num_training_steps"),
            a.doubleOr("num_cycles", 0.5), a.lr()));
    register(CosineWithHardRestartsWithWarmup.NAME,
        List.of(OPT, "num_warmup_steps", "num_training_steps", "num_cycles", LAST, "lr",
            "warmup_ratio"),
        (a, lr) -> new CosineWithHardRestartsWithWarmup(WarmupLength.read(a),
            a.optionalLong("num_training_steps"), a.doubleOr("num_cycles", 1), a.lr()));
    register(PolynomialDecayWithWarmup.NAME,
        List.of(OPT, "num_warmup_steps", "num_training_steps", "lr_end", "power", LAST, "lr",
            "warmup_ratio"),
        (a, lr) -> new PolynomialDecayWithWarmup(WarmupLength.read(a),
            a.optionalLong("num_training_steps"), a.doubleOr("lr_end", 1e-7),
            a.doubleOr("power", 1.0), a.lr()));
    register(InverseSqrt.NAME, List.of(OPT, "num_warmup_steps", "timescale", LAST, "lr"),
        (a, lr) -> {
          long w = a.requireLong("num_warmup_steps");
          return new InverseSqrt(w, a.longOr("timescale", w == 0 ? 10_000 : w), a.lr());
        });
    register(SlantedTriangular.NAME, List.of("num_training_steps", "cut_frac", "ratio", "lr"),
        (a, lr) -> new SlantedTriangular(a.optionalLong("num_training_steps"),
            a.doubleOr("cut_frac", 0.1), a.doubleOr("ratio", 32), a.lr()));
    register(Warmup.NAME,
        List.of("schedule", "num_warmup_steps", "warmup_ratio", "mode", "start_factor"),
        (a, lr) -> {
          LrSchedule inner = build(a.requireCall("schedule"), lr);
          WarmupLength length = WarmupLength.read(a);
          Warmup.Mode mode = Warmup.Mode.valueOf(
              a.choiceOr("mode", "linear", "linear", "constant").toUpperCase(Locale.ROOT));
          double start = a.doubleOr("start_factor", mode == Warmup.Mode.LINEAR ? 0.0 : 0.1);
          return new Warmup(inner, length, mode, start);
        });
    register(Scaled.NAME, List.of("schedule", "factor"),
        (a, lr) -> new Scaled(build(a.requireCall("schedule"), lr), a.requireDouble("factor")));
    register(PerEpoch.NAME, List.of("schedule", "steps_per_epoch"),
        (a, lr) -> new PerEpoch(build(a.requireCall("schedule"), lr),
            a.requireLong("steps_per_epoch")));

    alias("get_constant_schedule", ConstantSchedule.NAME);
    alias("get_constant_schedule_with_warmup", ConstantWithWarmup.NAME);
    alias("get_linear_schedule_with_warmup", LinearWithWarmup.NAME);
    alias("linear", LinearWithWarmup.NAME);
    alias("get_cosine_schedule_with_warmup", CosineWithWarmup.NAME);
    alias("cosine", CosineWithWarmup.NAME);
    alias("get_cosine_with_hard_restarts_schedule_with_warmup",
        CosineWithHardRestartsWithWarmup.NAME);
    alias("cosine_with_restarts", CosineWithHardRestartsWithWarmup.NAME);
    alias("get_polynomial_decay_schedule_with_warmup", PolynomialDecayWithWarmup.NAME);
    alias("polynomial", PolynomialDecayWithWarmup.NAME);
    alias("get_inverse_sqrt_schedule", InverseSqrt.NAME);
    alias("sequential", Sequential.NAME);
    alias("stlr", SlantedTriangular.NAME);
  }

  private Schedules() {}

  private static void register(String name, List<String> signature,
      BiFunction<SpecArguments, Double, LrSchedule> factory) {
    BY_NAME.put(name, new Entry(name, signature, factory));
  }

  private static void alias(String alias, String name) {
    ALIASES.put(alias, name);
  }

  private static LrSchedule cyclic(SpecArguments a, double lr) {
    if (a.has("scale_fn")) {
      throw new IllegalArgumentException(
          "CyclicLR: a custom scale_fn is not supported; allowed: mode=triangular, triangular2 or "
              + "exp_range");
    }
    double up = a.doubleOr("step_size_up", 2000);
    CyclicLr.Mode mode = CyclicLr.Mode.of(
        a.choiceOr("mode", "triangular", "triangular", "triangular2", "exp_range"));
    a.choiceOr("scale_mode", "cycle", "cycle", "iterations"); // ignored without scale_fn, as in PyTorch
    return new CyclicLr(a.requireDouble("base_lr"), a.requireDouble("max_lr"), up,
        a.doubleOr("step_size_down", up), mode, a.doubleOr("gamma", 1.0),
        a.boolOr("cycle_momentum", true), a.doubleOr("base_momentum", 0.8),
        a.doubleOr("max_momentum", 0.9));
  }

  private static LrSchedule oneCycle(SpecArguments a, double lr) {
    OptionalLong total = a.optionalLong("total_steps");
    OptionalLong epochs = a.optionalLong("epochs");
    OptionalLong perEpoch = a.optionalLong("steps_per_epoch");
    if (total.isEmpty() && (epochs.isPresent() || perEpoch.isPresent())) {
      if (epochs.isEmpty() || perEpoch.isEmpty()) {
        throw new IllegalArgumentException(
            "OneCycleLR: give total_steps, or both epochs and steps_per_epoch (got only "
                + (epochs.isPresent() ? "epochs" : "steps_per_epoch") + ")");
      }
      Check.positive(OneCycleLr.NAME, "epochs", epochs.getAsLong());
      Check.positive(OneCycleLr.NAME, "steps_per_epoch", perEpoch.getAsLong());
      total = OptionalLong.of(epochs.getAsLong() * perEpoch.getAsLong());
    }
    return new OneCycleLr(a.requireDouble("max_lr"), total, a.doubleOr("pct_start", 0.3),
        Anneal.of(OneCycleLr.NAME, a.choiceOr("anneal_strategy", "cos", "cos", "linear")),
        a.boolOr("cycle_momentum", true), a.doubleOr("base_momentum", 0.85),
        a.doubleOr("max_momentum", 0.95), a.doubleOr("div_factor", 25.0),
        a.doubleOr("final_div_factor", 1e4), a.boolOr("three_phase", false));
  }

  /**
   * Parses a spec; schedules that take their starting LR from the optimizer get {@code lr=} or
   * {@link #DEFAULT_BASE_LR}.
   *
   * @param spec e.g. {@code CosineAnnealingWarmRestarts(T_0=10,T_mult=2,eta_min=1e-5)}
   * @return the schedule
   * @throws IllegalArgumentException for syntax errors, unknown names or arguments, missing or
   *     out-of-range values; the message names the argument, the value and the allowed range
   */
  public static LrSchedule parse(String spec) {
    return parse(spec, DEFAULT_BASE_LR);
  }

  /**
   * Parses a spec with a base LR for schedules that take it from the optimizer.
   *
   * @param spec the spec
   * @param baseLr the LR used where the spec gives no {@code lr=}
   * @return the schedule
   */
  public static LrSchedule parse(String spec, double baseLr) {
    return build(SpecParser.parse(spec), baseLr);
  }

  /**
   * Builds a schedule from an already parsed call.
   *
   * @param call the call
   * @param baseLr the LR used where the call gives no {@code lr=}
   * @return the schedule
   */
  public static LrSchedule build(SpecCall call, double baseLr) {
    Entry entry = lookup(call.name());
    SpecArguments args = SpecArguments.of(call, entry.signature(), baseLr);
    LrSchedule schedule = entry.factory().apply(args, baseLr);
    args.finish();
    return schedule;
  }

  /**
   * Lists the canonical spec names.
   *
   * @return the names, in registration order
   */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  private static Entry lookup(String name) {
    String canonical = ALIASES.getOrDefault(name, name);
    Entry e = BY_NAME.get(canonical);
    if (e != null) {
      return e;
    }
    for (Map.Entry<String, Entry> candidate : BY_NAME.entrySet()) {
      if (candidate.getKey().equalsIgnoreCase(name)) {
        return candidate.getValue();
      }
    }
    for (Map.Entry<String, String> a : ALIASES.entrySet()) {
      if (a.getKey().equalsIgnoreCase(name)) {
        return BY_NAME.get(a.getValue());
      }
    }
    TreeSet<String> known = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    known.addAll(BY_NAME.keySet());
    throw new IllegalArgumentException(
        "unknown schedule '" + name + "'; known: " + String.join(", ", known));
  }

  // ---- Java factories ----

  /**
   * Hugging Face's linear decay with warm-up, spanning the run's total; relative.
   *
   * @param warmupSteps warm-up steps
   * @param lr the peak as a multiple of the base LR (1.0 for the trainer's base LR)
   * @return the schedule
   */
  public static LrSchedule linearWithWarmup(long warmupSteps, double lr) {
    return new LinearWithWarmup(WarmupLength.steps(warmupSteps), OptionalLong.empty(), lr);
  }

  /**
   * Hugging Face's cosine decay with warm-up (half a cosine), spanning the run's total; relative.
   *
   * @param warmupSteps warm-up steps
   * @param lr the peak as a multiple of the base LR (1.0 for the trainer's base LR)
   * @return the schedule
   */
  public static LrSchedule cosineWithWarmup(long warmupSteps, double lr) {
    return new CosineWithWarmup(WarmupLength.steps(warmupSteps), OptionalLong.empty(), 0.5, lr);
  }

  /**
   * PyTorch's one-cycle policy with its defaults, spanning the run's total; absolute.
   *
   * @param maxLr the peak learning rate (not scaled by the base LR)
   * @return the schedule
   */
  public static OneCycleLr oneCycle(double maxLr) {
    return OneCycleLr.of(maxLr);
  }

  /**
   * ULMFiT's slanted triangular LR with the paper's defaults (cut_frac 0.1, ratio 32), spanning
   * the run's total; relative (its peak is the optimizer's LR, as in fastai).
   *
   * @param maxLr the peak as a multiple of the base LR (1.0 for the trainer's base LR)
   * @return the schedule
   */
  public static SlantedTriangular slantedTriangular(double maxLr) {
    return new SlantedTriangular(OptionalLong.empty(), 0.1, 32, maxLr);
  }

  /**
   * A constant learning rate; relative.
   *
   * @param lr the learning rate as a multiple of the base LR (1.0 for the trainer's base LR)
   * @return the schedule
   */
  public static LrSchedule constant(double lr) {
    return new ConstantSchedule(lr);
  }

  /**
   * Starts a schedule with a warm-up over a fraction of the run.
   *
   * @param ratio the fraction in {@code [0, 1)}
   * @return a builder for what follows the warm-up
   */
  public static WarmupBuilder warmup(double ratio) {
    return new WarmupBuilder(WarmupLength.ratio(ratio));
  }

  /**
   * Starts a schedule with a warm-up of a number of steps.
   *
   * @param steps warm-up steps
   * @return a builder for what follows the warm-up
   */
  public static WarmupBuilder warmupSteps(long steps) {
    return new WarmupBuilder(WarmupLength.steps(steps));
  }

  /**
   * What follows a warm-up; values are multipliers (peak 1.0) unless scaled.
   *
   * <pre>{@code
   * LrSchedule s = Schedules.warmup(0.1).thenLinearDecay().scaled(2e-5);
   * }</pre>
   */
  public static final class WarmupBuilder {
    private final WarmupLength length;

    private WarmupBuilder(WarmupLength length) {
      this.length = length;
    }

    /**
     * Linear decay to 0 at the run's end (Hugging Face {@code linear}).
     *
     * @return the schedule
     */
    public LrSchedule thenLinearDecay() {
      return new LinearWithWarmup(length, OptionalLong.empty(), DEFAULT_BASE_LR);
    }

    /**
     * Half-cosine decay to 0 at the run's end (Hugging Face {@code cosine}).
     *
     * @return the schedule
     */
    public LrSchedule thenCosineDecay() {
      return new CosineWithWarmup(length, OptionalLong.empty(), 0.5, DEFAULT_BASE_LR);
    }

    /**
     * Constant after the warm-up (Hugging Face {@code constant_with_warmup}).
     *
     * @return the schedule
     */
    public LrSchedule thenConstant() {
      return new ConstantWithWarmup(length, DEFAULT_BASE_LR);
    }

    /**
     * Any schedule after a linear warm-up from 0; it starts at its own step 0.
     *
     * @param next the schedule
     * @return the schedule
     */
    public LrSchedule then(LrSchedule next) {
      return new Warmup(next, length, Warmup.Mode.LINEAR, 0.0);
    }
  }
}
