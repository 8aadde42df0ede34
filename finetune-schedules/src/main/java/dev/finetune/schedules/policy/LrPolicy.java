package dev.finetune.schedules.policy;

import dev.finetune.schedules.ParameterAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps each parameter to a multiplier of the base learning rate (per-parameter-group LRs).
 *
 * <p>A trainer computes a parameter's LR at step {@code t} as
 * {@code multiplier(address, L) * schedule.lr(t, T)}. Policies are immutable values; see
 * {@link LrPolicies} for the implementations and their formulas.
 *
 * <pre>{@code
 * LrPolicy llrd = LrPolicies.layerwiseDecay(0.9).withHeadMultiplier(10);
 * double lr = llrd.lr(address, 12, 2e-5);
 * }</pre>
 */
@FunctionalInterface
public interface LrPolicy {

  /**
   * Computes the multiplier of the base LR for a parameter.
   *
   * @param address the parameter
   * @param numLayers the model's number of encoder layers {@code L}
   * @return the multiplier, {@code >= 0}
   * @throws IllegalArgumentException when the address does not fit the policy (e.g. a layer index
   *     {@code >= L}, or a layer no group covers)
   */
  double multiplier(ParameterAddress address, int numLayers);

  /**
   * Computes a parameter's learning rate.
   *
   * @param address the parameter
   * @param numLayers the model's number of encoder layers
   * @param baseLr the base learning rate
   * @return {@code baseLr * multiplier(address, numLayers)}
   */
  default double lr(ParameterAddress address, int numLayers, double baseLr) {
    return baseLr * multiplier(address, numLayers);
  }

  /**
   * Computes the multiplier of every parameter of a model; {@code L} is inferred from the
   * addresses.
   *
   * @param addresses every parameter of the model
   * @return multipliers in the addresses' order
   */
  default Map<ParameterAddress, Double> multipliers(List<ParameterAddress> addresses) {
    int numLayers = ParameterAddress.numLayers(addresses);
    Map<ParameterAddress, Double> out = new LinkedHashMap<>();
    for (ParameterAddress a : addresses) {
      out.put(a, multiplier(a, numLayers));
    }
    return out;
  }

  /**
   * Multiplies the head's multiplier by a factor (a new head often learns faster).
   *
   * @param factor the factor, {@code >= 0}
   * @return the policy
   */
  default LrPolicy withHeadMultiplier(double factor) {
    return new LrPolicies.HeadMultiplier(this, factor);
  }
}
