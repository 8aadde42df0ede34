package dev.finetune.bench;

import dev.finetune.core.train.ModelTransform;
import dev.finetune.peft.Adapters;
import dev.finetune.peft.Peft;
import java.util.Locale;
import java.util.Optional;

/**
 * The fine-tuning methods the benchmarks compare, with the settings the PyTorch peer
 * ({@code benchmarks/peer/peer_step.py}) mirrors: full fine-tuning; LoRA r=8 (alpha 8) on query
 * and value; Houlsby adapters (reduction 16, ReLU, after attention and after the FFN); BitFit
 * (all biases); prompt tuning with 20 soft tokens; prefix tuning with 20 key/value prefixes per
 * layer (Java only: the peer has no prefix tuning). Every PEFT method also trains the head.
 *
 * <pre>{@code
 * BenchMethod.parse("lora").transform().ifPresent(chain::peft);
 * }</pre>
 */
public enum BenchMethod {
  /** Every parameter trains. */
  FULL,
  /** LoRA r=8, alpha 8, on query and value. */
  LORA,
  /** Houlsby adapters, bottleneck hidden/16. */
  HOULSBY,
  /** Biases only. */
  BITFIT,
  /** 20 soft prompt tokens. */
  PROMPT,
  /** 20 key/value prefixes per layer, no projection (no PyTorch peer). */
  PREFIX;

  /** LoRA rank. */
  public static final int LORA_RANK = 8;
  /** LoRA targets per layer (query, value). */
  public static final int LORA_TARGETS = 2;
  /** Houlsby reduction factor (bottleneck = hidden / 16). */
  public static final int ADAPTER_REDUCTION = 16;
  /** Houlsby adapters per layer (after attention, after the FFN). */
  public static final int ADAPTERS_PER_LAYER = 2;
  /** Soft prompt tokens, and prefix length of prefix tuning. */
  public static final int PROMPT_TOKENS = 20;

  /**
   * Looks a method up by name, ignoring case.
   *
   * @param name full, lora, houlsby, bitfit, prompt or prefix
   * @return the method
   * @throws IllegalArgumentException naming the known methods when the name is unknown
   */
  public static BenchMethod parse(String name) {
    for (BenchMethod m : values()) {
      if (m.name().equalsIgnoreCase(name)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "method '" + name + "' is unknown; use full, lora, houlsby, bitfit, prompt or prefix");
  }

  /**
   * The PEFT transform to apply, or empty for full fine-tuning.
   *
   * @return the transform
   */
  public Optional<ModelTransform> transform() {
    return switch (this) {
      case FULL -> Optional.empty();
      case LORA -> Optional.of(Peft.lora().r(LORA_RANK).alpha(LORA_RANK));
      case HOULSBY -> Optional.of(Adapters.houlsby().reduction(ADAPTER_REDUCTION));
      case BITFIT -> Optional.of(Peft.bitFit());
      case PROMPT -> Optional.of(Peft.promptTuning(PROMPT_TOKENS));
      case PREFIX -> Optional.of(Peft.prefixTuning(PROMPT_TOKENS));
    };
  }

  /** @return the lower-case name used on command lines */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
