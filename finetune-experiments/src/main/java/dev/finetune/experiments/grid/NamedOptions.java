package dev.finetune.experiments.grid;

import dev.finetune.core.method.FineTuningMethod;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.optim.OptimizerSpec;
import dev.finetune.core.optim.Optimizers;
import dev.finetune.core.train.ModelTransform;
import dev.finetune.core.train.TrainingListener;
import dev.finetune.core.train.callbacks.Callbacks;
import dev.finetune.schedules.policy.LrPolicies;
import dev.finetune.schedules.policy.LrPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The named methods, optimizers, LR policies and callbacks a grid config file may use, as
 * {@code name} or {@code name(arg, ...)}; each maps to the library's own factory.
 *
 * <pre>{@code
 * NamedOptions.method("lora(16)");             // Peft.lora().r(16), from the method registry
 * NamedOptions.lrPolicy("layerwise_decay(0.9)"); // LrPolicies.layerwiseDecay(0.9)
 * NamedOptions.callback("swa(0.25, 1e-5)");     // Callbacks.swa(0.25).lr(1e-5)
 * }</pre>
 */
public final class NamedOptions {

  /**
   * The methods of the registry ({@link FineTuningMethods#usages()}: {@code full} applies none;
   * the number is LoRA's rank, the adapters' reduction, the prompt's tokens, the top layers; the
   * defaults are shown; named arguments such as {@code lora(r=16,alpha=32)} work too).
   *
   * @return the spec forms, including methods registered since
   */
  public static List<String> methods() {
    return FineTuningMethods.usages();
  }
  /** Optimizers (the number is the momentum). */
  public static final List<String> OPTIMIZERS = List.of("adamw", "adam", "sgd(0.9)", "nesterov(0.9)");
  /** Parameter-group LR policies. */
  public static final List<String> POLICIES = List.of("uniform", "discriminative(2.6)",
      "layerwise_decay(DECAY)", "grouped_decay(GROUPS, DECAY)");
  /** Callbacks ({@code swa(FRACTION)} holds the LR in force when the phase starts, {@code swa(FRACTION, LR)} sets it). */
  public static final List<String> CALLBACKS = List.of("gradual_unfreezing", "reinit_top(N)",
      "swa(FRACTION)", "swa(FRACTION, LR)", "ema(DECAY)");

  private static final Pattern CALL = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\((.*)\\))?\\s*");

  private NamedOptions() {}

  /** A parsed {@code name(args)}. */
  private record Call(String text, String name, List<Double> args) {
    double arg(int i, double fallback) {
      return i < args.size() ? args.get(i) : fallback;
    }

    double required(int i, String what) {
      if (i >= args.size()) {
        throw new IllegalArgumentException("'" + text + "' needs " + what + ", e.g. " + name + "(...)");
      }
      return args.get(i);
    }

    int intArg(int i, int fallback) {
      return (int) Math.round(arg(i, fallback));
    }
  }

  private static Call call(String text, List<String> known) {
    Matcher m = CALL.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not name or name(number, ...); use one of " + known);
    }
    List<Double> args = new ArrayList<>();
    if (m.group(2) != null && !m.group(2).isBlank()) {
      for (String a : m.group(2).split(",")) {
        try {
          args.add(Double.parseDouble(a.trim()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "': argument '" + a.trim() + "' is not a number");
        }
      }
    }
    return new Call(text.trim(), m.group(1).toLowerCase(Locale.ROOT), args);
  }

  private static IllegalArgumentException unknown(Call c, String what, List<String> known) {
    return new IllegalArgumentException(what + " '" + c.text() + "' is unknown; use one of " + known);
  }

  /**
   * A fine-tuning method, looked up in the registry ({@link FineTuningMethods#parse}).
   *
   * @param text e.g. {@code bitfit}, {@code lora(16)}, {@code lora(r=16,alpha=32)},
   *     {@code prompt(20)}, {@code full}
   * @return the method, or null for {@code full}
   */
  public static ModelTransform method(String text) {
    FineTuningMethod m = FineTuningMethods.parse(text);
    return m == FineTuningMethods.full() ? null : m;
  }

  /**
   * An optimizer.
   *
   * @param text e.g. {@code adamw}, {@code nesterov(0.9)}
   * @return the spec
   */
  public static OptimizerSpec optimizer(String text) {
    Call c = call(text, OPTIMIZERS);
    return switch (c.name()) {
      case "adamw" -> Optimizers.adamW();
      case "adam" -> Optimizers.adam();
      case "sgd" -> Optimizers.sgd().momentum(c.arg(0, 0.9));
      case "nesterov" -> Optimizers.sgd().momentum(c.arg(0, 0.9)).nesterov(true);
      default -> throw unknown(c, "optimizer", OPTIMIZERS);
    };
  }

  /**
   * A parameter-group LR policy.
   *
   * @param text e.g. {@code uniform}, {@code discriminative}, {@code layerwise_decay(0.9)}
   * @return the policy
   */
  public static LrPolicy lrPolicy(String text) {
    Call c = call(text, POLICIES);
    return switch (c.name()) {
      case "uniform" -> LrPolicies.uniform();
      case "discriminative" -> LrPolicies.discriminative(c.arg(0, 2.6));
      case "layerwise_decay" -> LrPolicies.layerwiseDecay(c.required(0, "the decay"));
      case "grouped_decay" -> LrPolicies.groupedDecay((int) Math.round(c.required(0, "the number of groups")),
          c.required(1, "the decay per group"));
      default -> throw unknown(c, "LR policy", POLICIES);
    };
  }

  /**
   * A callback.
   *
   * @param text e.g. {@code gradual_unfreezing}, {@code reinit_top(2)}, {@code swa(0.25)},
   *     {@code swa(0.25, 1e-5)}, {@code ema(0.999)}
   * @return the callback
   */
  public static TrainingListener callback(String text) {
    Call c = call(text, CALLBACKS);
    return switch (c.name()) {
      case "gradual_unfreezing" -> Callbacks.gradualUnfreezing().perEpoch();
      case "reinit_top" -> Callbacks.reinitTopLayers((int) Math.round(c.required(0, "the number of layers")));
      case "swa" -> c.args().size() > 1
          ? Callbacks.swa(c.required(0, "the fraction")).lr(c.args().get(1))
          : Callbacks.swa(c.required(0, "the fraction"));
      case "ema" -> Callbacks.ema(c.required(0, "the decay"));
      default -> throw unknown(c, "callback", CALLBACKS);
    };
  }
}
