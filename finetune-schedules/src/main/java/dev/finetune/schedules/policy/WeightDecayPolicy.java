package dev.finetune.schedules.policy;

import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import dev.finetune.schedules.ParameterSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which parameters get weight decay, and how much.
 *
 * <p>Precedence: the first matching rule ({@link #withRule}) gives the decay; else a parameter
 * the {@code noDecay} selector matches gets 0; else {@code weightDecay}. {@link #huggingFace}
 * exempts biases and LayerNorm parameters, as the Hugging Face {@code Trainer} does.
 *
 * <pre>{@code
 * WeightDecayPolicy wd = WeightDecayPolicy.huggingFace(0.01)
 *     .withNoDecay(ParameterSelector.embeddings());
 * wd.weightDecay(address, 12);  // 0.0 for biases, LayerNorm and embeddings, 0.01 otherwise
 * }</pre>
 *
 * @param weightDecay the default decay, {@code >= 0}
 * @param noDecay parameters without decay
 * @param rules explicit decays, first match wins
 */
public record WeightDecayPolicy(
    double weightDecay, ParameterSelector noDecay, List<LrPolicies.Rule> rules) {

  /** Validates the arguments. */
  public WeightDecayPolicy {
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weight_decay=" + weightDecay + " is out of range; allowed [0, inf)");
    }
    Objects.requireNonNull(noDecay, "noDecay");
    rules = List.copyOf(rules);
  }

  /**
   * Hugging Face's rule: decay everything but biases and LayerNorm parameters.
   *
   * @param weightDecay the decay, e.g. 0.01
   * @return the policy
   */
  public static WeightDecayPolicy huggingFace(double weightDecay) {
    return new WeightDecayPolicy(weightDecay,
        ParameterSelector.biases().or(ParameterSelector.role(ParameterRole.LAYER_NORM)), List.of());
  }

  /**
   * The same decay for every parameter.
   *
   * @param weightDecay the decay
   * @return the policy
   */
  public static WeightDecayPolicy uniform(double weightDecay) {
    return new WeightDecayPolicy(weightDecay, ParameterSelector.none(), List.of());
  }

  /**
   * Exempts more parameters from decay.
   *
   * @param selector the extra exemptions
   * @return the new policy
   */
  public WeightDecayPolicy withNoDecay(ParameterSelector selector) {
    return new WeightDecayPolicy(weightDecay, noDecay.or(selector), rules);
  }

  /**
   * Adds a rule after the existing ones; rules take precedence over the exemptions.
   *
   * @param selector what it matches
   * @param decay the decay it assigns
   * @return the new policy
   */
  public WeightDecayPolicy withRule(ParameterSelector selector, double decay) {
    List<LrPolicies.Rule> more = new ArrayList<>(rules);
    more.add(new LrPolicies.Rule(selector, decay));
    return new WeightDecayPolicy(weightDecay, noDecay, more);
  }

  /**
   * Computes a parameter's weight decay.
   *
   * @param address the parameter
   * @param numLayers the model's number of encoder layers
   * @return the decay
   */
  public double weightDecay(ParameterAddress address, int numLayers) {
    for (LrPolicies.Rule r : rules) {
      if (r.selector().matches(address, numLayers)) {
        return r.multiplier();
      }
    }
    return noDecay.matches(address, numLayers) ? 0.0 : weightDecay;
  }

  /**
   * Tells whether a parameter is decayed at all.
   *
   * @param address the parameter
   * @param numLayers the model's number of encoder layers
   * @return true when its decay is above 0
   */
  public boolean decays(ParameterAddress address, int numLayers) {
    return weightDecay(address, numLayers) > 0;
  }
}
