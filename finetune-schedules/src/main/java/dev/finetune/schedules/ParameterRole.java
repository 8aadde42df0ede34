package dev.finetune.schedules;

/**
 * What a parameter does in a transformer encoder; one of the two facts (with the layer index)
 * that LR policies, weight-decay rules, freezing and PEFT selectors use beside the name.
 *
 * <p>A parameter has exactly one role. Biases keep the role of their module (a query bias is
 * {@link #ATTENTION}); {@link ParameterAddress#isBias()} tells them apart, and selecting by
 * {@link #BIAS} matches every bias whatever its role.
 *
 * <pre>{@code
 * ParameterRole role = ParameterRole.ATTENTION;
 * }</pre>
 */
public enum ParameterRole {
  /** Word, position and token-type embedding tables. */
  EMBEDDING,
  /** Query, key, value and attention-output projections. */
  ATTENTION,
  /** Feed-forward (intermediate and output) projections. */
  FFN,
  /** LayerNorm weights and biases. */
  LAYER_NORM,
  /** Pseudo-role for selection: every bias, whatever its module. Never a parameter's own role. */
  BIAS,
  /** Task head: pooler and classifier. */
  HEAD,
  /** Parameters added by a parameter-efficient method (adapters, LoRA, prompts...). */
  PEFT,
  /** Anything else. */
  OTHER
}
