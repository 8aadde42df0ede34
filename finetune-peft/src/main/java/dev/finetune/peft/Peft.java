package dev.finetune.peft;

/**
 * Entry point to the parameter-efficient methods; each returns an immutable configuration that
 * {@code FineTune.peft(...)} applies (inject or wrap blocks, freeze the base, keep the head
 * trainable unless told otherwise).
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.lora().r(8).alpha(16)).fit(train, dev);
 * FineTune.of(model).peft(Peft.bitFit()).fit(train, dev);
 * FineTune.of(model).peft(Peft.prefixTuning(20).projection(384)).fit(train, dev);
 * FineTune.of(model).peft(Adapters.houlsby().reduction(16)).fit(train, dev);
 * }</pre>
 */
public final class Peft {

  private Peft() {}

  /**
   * LoRA with PEFT's defaults (r=8, alpha=8, targets query and value).
   *
   * @return the configuration
   */
  public static Lora lora() {
    return Lora.defaults();
  }

  /**
   * BitFit on every bias of the base.
   *
   * @return the configuration
   */
  public static BitFit bitFit() {
    return BitFit.allBiases();
  }

  /**
   * IA3 on key, value and the FFN output.
   *
   * @return the configuration
   */
  public static Ia3 ia3() {
    return Ia3.defaults();
  }

  /**
   * Prompt tuning with n random virtual tokens.
   *
   * @param n virtual tokens
   * @return the configuration
   */
  public static PromptTuning promptTuning(int n) {
    return PromptTuning.of(n);
  }

  /**
   * Prefix tuning with n virtual key/value tokens in every attention layer, no projection; add
   * {@code .projection(hidden)} for PEFT's MLP reparameterisation.
   *
   * @param n virtual tokens per layer
   * @return the configuration
   */
  public static PrefixTuning prefixTuning(int n) {
    return PrefixTuning.of(n);
  }
}
