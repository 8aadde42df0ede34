package dev.finetune.schedules.policy;

import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parameter-group LR policies. Depth counts groups from the top
 * ({@link ParameterAddress#depth(int)}): head (pooler and classifier) 0, encoder layer {@code l}
 * {@code L - l} (top layer 1), embeddings {@code L + 1}.
 *
 * <ul>
 *   <li>{@link #uniform()}: 1 for every parameter.
 *   <li>{@link #layerwiseDecay(double)} (Zhang et al. 2021): {@code d^depth}: head and pooler at
 *       the base LR, top layer {@code base * d}, ..., layer 0 {@code base * d^L}, embeddings
 *       {@code base * d^(L+1)}.
 *   <li>{@link #discriminative(double)} (ULMFiT, Howard &amp; Ruder 2018,
 *       {@code eta^(l-1) = eta^l / 2.6}): {@code factor^-depth}, the same shape with
 *       {@code d = 1 / factor}: the head (the "last layer") at the base LR, each group below
 *       divided once more.
 *   <li>{@link #groupedDecay(int, double)}: the {@code L} layers split from the top into
 *       {@code g} contiguous groups of near-equal size (group of layer {@code l} =
 *       {@code floor((L - 1 - l) * g / L)}); group {@code k} gets {@code d^(k+1)}, head 1,
 *       embeddings {@code d^(g+1)}. With {@code g = L} it equals layer-wise decay.
 *   <li>{@link #layerGroups()}: explicit layer ranges with multipliers (grouped LLRD).
 *   <li>{@link #rules(LrPolicy)}: rules by selector (glob/regex on the name, layer, role); the
 *       <b>first matching rule wins</b> and its multiplier replaces the fallback policy's; no
 *       match falls back.
 *   <li>{@link LrPolicy#withHeadMultiplier(double)}: the head's multiplier times a factor.
 * </ul>
 *
 * <pre>{@code
 * LrPolicy p = LrPolicies.rules(LrPolicies.layerwiseDecay(0.95))
 *     .rule(ParameterSelector.glob("*LayerNorm*"), 1.0)
 *     .build()
 *     .withHeadMultiplier(5);
 * }</pre>
 */
public final class LrPolicies {

  private LrPolicies() {}

  /**
   * The same LR for every parameter.
   *
   * @return the policy
   */
  public static LrPolicy uniform() {
    return new Uniform();
  }

  /**
   * Layer-wise LR decay (Zhang et al. 2021): {@code d^depth}.
   *
   * @param decay the decay {@code d} in {@code (0, 1]}, e.g. 0.9 or 0.95
   * @return the policy
   */
  public static LrPolicy layerwiseDecay(double decay) {
    return new LayerwiseDecay(decay);
  }

  /**
   * ULMFiT's discriminative fine-tuning with its factor 2.6.
   *
   * @return the policy
   */
  public static LrPolicy discriminative() {
    return new Discriminative(2.6);
  }

  /**
   * Discriminative fine-tuning: {@code factor^-depth}.
   *
   * @param factor the divisor per group down, {@code >= 1}
   * @return the policy
   */
  public static LrPolicy discriminative(double factor) {
    return new Discriminative(factor);
  }

  /**
   * Layer-wise decay over {@code g} groups of contiguous layers.
   *
   * @param groups the number of groups, {@code >= 1}
   * @param decay the decay per group in {@code (0, 1]}
   * @return the policy
   */
  public static LrPolicy groupedDecay(int groups, double decay) {
    return new GroupedDecay(groups, decay);
  }

  /**
   * Starts explicit layer groups with multipliers.
   *
   * @return the builder
   */
  public static LayerGroupsBuilder layerGroups() {
    return new LayerGroupsBuilder();
  }

  /**
   * Starts rule-based multipliers over a fallback policy.
   *
   * @param fallback the policy for parameters no rule matches
   * @return the builder
   */
  public static RulesBuilder rules(LrPolicy fallback) {
    return new RulesBuilder(fallback);
  }

  private static void checkMultiplier(String owner, String arg, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          owner + ": " + arg + "=" + v + " is out of range; allowed [0, inf)");
    }
  }

  /** Every parameter at the base LR.
   *
   * <pre>{@code
   * LrPolicies.uniform().multiplier(address, 12);  // 1.0
   * }</pre>
   */
  public record Uniform() implements LrPolicy {
    @Override
    public double multiplier(ParameterAddress address, int numLayers) {
      address.depth(numLayers);
      return 1.0;
    }
  }

  /**
   * Layer-wise decay: {@code decay^depth}.
   *
   * <pre>{@code
   * new LrPolicies.LayerwiseDecay(0.9).multiplier(topLayerAddress, 12);  // 0.9
   * }</pre>
   *
   * @param decay the decay in {@code (0, 1]}
   */
  public record LayerwiseDecay(double decay) implements LrPolicy {
    /** Validates the decay. */
    public LayerwiseDecay {
      if (!(decay > 0 && decay <= 1)) {
        throw new IllegalArgumentException(
            "layerwiseDecay: decay=" + decay + " is out of range; allowed (0, 1]");
      }
    }

    @Override
    public double multiplier(ParameterAddress address, int numLayers) {
      return Math.pow(decay, address.depth(numLayers));
    }
  }

  /**
   * Discriminative fine-tuning: {@code 1 / factor^depth}.
   *
   * <pre>{@code
   * new LrPolicies.Discriminative(2.6).multiplier(topLayerAddress, 12);  // 1 / 2.6
   * }</pre>
   *
   * @param factor the divisor per group down, {@code >= 1} (ULMFiT: 2.6)
   */
  public record Discriminative(double factor) implements LrPolicy {
    /** Validates the factor. */
    public Discriminative {
      if (!(factor >= 1) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException(
            "discriminative: factor=" + factor + " is out of range; allowed [1, inf)");
      }
    }

    @Override
    public double multiplier(ParameterAddress address, int numLayers) {
      return 1.0 / Math.pow(factor, address.depth(numLayers));
    }
  }

  /**
   * Layer-wise decay over groups of contiguous layers.
   *
   * <pre>{@code
   * new LrPolicies.GroupedDecay(3, 0.5).groupOf(11, 12);  // 0 (the top group)
   * }</pre>
   *
   * @param groups the number of groups, {@code >= 1}
   * @param decay the decay per group in {@code (0, 1]}
   */
  public record GroupedDecay(int groups, double decay) implements LrPolicy {
    /** Validates the arguments. */
    public GroupedDecay {
      if (groups < 1) {
        throw new IllegalArgumentException(
            "groupedDecay: groups=" + groups + " is out of range; allowed [1, inf)");
      }
      if (!(decay > 0 && decay <= 1)) {
        throw new IllegalArgumentException(
            "groupedDecay: decay=" + decay + " is out of range; allowed (0, 1]");
      }
    }

    /**
     * Tells which group (0 = top) an encoder layer falls in.
     *
     * @param layer the layer index
     * @param numLayers {@code L}
     * @return the group index from the top
     */
    public int groupOf(int layer, int numLayers) {
      if (groups > numLayers) {
        throw new IllegalArgumentException("groupedDecay: groups=" + groups
            + " is out of range for numLayers=" + numLayers + "; allowed [1, " + numLayers + "]");
      }
      return (int) ((long) (numLayers - 1 - layer) * groups / numLayers);
    }

    @Override
    public double multiplier(ParameterAddress address, int numLayers) {
      address.depth(numLayers); // validates the layer index
      if (address.isHead()) {
        return 1.0;
      }
      if (address.isEmbeddings()) {
        return Math.pow(decay, groups + 1);
      }
      return Math.pow(decay, groupOf(address.layer(), numLayers) + 1);
    }
  }

  /**
   * One explicit layer group.
   *
   * <pre>{@code
   * new LrPolicies.LayerGroup(0, 5, 0.5);
   * }</pre>
   *
   * @param from the lowest encoder layer, inclusive
   * @param to the highest encoder layer, inclusive
   * @param multiplier the group's multiplier
   */
  public record LayerGroup(int from, int to, double multiplier) {
    /** Validates the group. */
    public LayerGroup {
      if (from < 0 || to < from) {
        throw new IllegalArgumentException("layerGroups: layers " + from + ".." + to
            + " is out of range; allowed 0 <= from <= to");
      }
      checkMultiplier("layerGroups", "multiplier", multiplier);
    }
  }

  /**
   * Explicit layer groups (grouped LLRD): each encoder layer takes the multiplier of the first
   * group covering it; embeddings and head have their own.
   *
   * <pre>{@code
   * LrPolicy p = LrPolicies.layerGroups().layers(0, 11, 0.5).build();
   * }</pre>
   *
   * @param groups the groups, at least one
   * @param embeddings the embeddings' multiplier
   * @param head the head's multiplier
   */
  public record LayerGroups(List<LayerGroup> groups, double embeddings, double head)
      implements LrPolicy {
    /** Validates the arguments. */
    public LayerGroups {
      groups = List.copyOf(groups);
      if (groups.isEmpty()) {
        throw new IllegalArgumentException("layerGroups: give at least one group with layers(...)");
      }
      checkMultiplier("layerGroups", "embeddings", embeddings);
      checkMultiplier("layerGroups", "head", head);
    }

    @Override
    public double multiplier(ParameterAddress address, int numLayers) {
      address.depth(numLayers);
      if (address.isHead()) {
        return head;
      }
      if (address.isEmbeddings()) {
        return embeddings;
      }
      for (LayerGroup g : groups) {
        if (address.layer() >= g.from() && address.layer() <= g.to()) {
          return g.multiplier();
        }
      }
      throw new IllegalArgumentException("layerGroups: layer " + address.layer() + " of "
          + address.name() + " is in no group; groups: " + groups);
    }
  }

  /**
   * One LR rule.
   *
   * <pre>{@code
   * new LrPolicies.Rule(ParameterSelector.head(), 10.0);
   * }</pre>
   *
   * @param selector what it matches
   * @param multiplier the multiplier it assigns
   */
  public record Rule(ParameterSelector selector, double multiplier) {
    /** Validates the rule. */
    public Rule {
      Objects.requireNonNull(selector, "selector");
      checkMultiplier("rules", "multiplier", multiplier);
    }
  }

  /**
   * Rules over a fallback: the first rule whose selector matches assigns the multiplier.
   *
   * <pre>{@code
   * LrPolicy p = LrPolicies.rules(LrPolicies.uniform()).rule(ParameterSelector.head(), 10).build();
   * }</pre>
   *
   * @param rules the rules in precedence order
   * @param fallback the policy when no rule matches
   */
  public record Rules(List<Rule> rules, LrPolicy fallback) implements LrPolicy {
    /** Validates the arguments. */
    public Rules {
      rules = List.copyOf(rules);
      Objects.requireNonNull(fallback, "fallback");
    }

    @Override
    public double multiplier(ParameterAddress address, int numLayers) {
      for (Rule r : rules) {
        if (r.selector().matches(address, numLayers)) {
          return r.multiplier();
        }
      }
      return fallback.multiplier(address, numLayers);
    }
  }

  /**
   * A policy whose head multiplier is multiplied by a factor.
   *
   * <pre>{@code
   * LrPolicy p = LrPolicies.uniform().withHeadMultiplier(10);
   * }</pre>
   *
   * @param policy the inner policy
   * @param factor the head's extra factor
   */
  public record HeadMultiplier(LrPolicy policy, double factor) implements LrPolicy {
    /** Validates the arguments. */
    public HeadMultiplier {
      Objects.requireNonNull(policy, "policy");
      checkMultiplier("withHeadMultiplier", "factor", factor);
    }

    @Override
    public double multiplier(ParameterAddress address, int numLayers) {
      double m = policy.multiplier(address, numLayers);
      return address.isHead() ? m * factor : m;
    }
  }

  /**
   * Builds {@link LayerGroups}.
   *
   * <pre>{@code
   * LrPolicy p = LrPolicies.layerGroups()
   *     .layers(0, 3, 0.25).layers(4, 7, 0.5).layers(8, 11, 1.0)
   *     .embeddings(0.1).head(1.0).build();
   * }</pre>
   */
  public static final class LayerGroupsBuilder {
    private final List<LayerGroup> groups = new ArrayList<>();
    private Double embeddings;
    private double head = 1.0;

    private LayerGroupsBuilder() {}

    /**
     * Adds a group.
     *
     * @param from the lowest layer, inclusive
     * @param to the highest layer, inclusive
     * @param multiplier the multiplier
     * @return this builder
     */
    public LayerGroupsBuilder layers(int from, int to, double multiplier) {
      groups.add(new LayerGroup(from, to, multiplier));
      return this;
    }

    /**
     * Sets the embeddings' multiplier (default: the multiplier of the group holding layer 0).
     *
     * @param multiplier the multiplier
     * @return this builder
     */
    public LayerGroupsBuilder embeddings(double multiplier) {
      this.embeddings = multiplier;
      return this;
    }

    /**
     * Sets the head's multiplier (default 1).
     *
     * @param multiplier the multiplier
     * @return this builder
     */
    public LayerGroupsBuilder head(double multiplier) {
      this.head = multiplier;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public LrPolicy build() {
      double emb = embeddings != null ? embeddings
          : groups.stream().filter(g -> g.from() == 0).mapToDouble(LayerGroup::multiplier)
              .findFirst().orElse(1.0);
      return new LayerGroups(groups, emb, head);
    }
  }

  /**
   * Builds {@link Rules}; rules apply in the order added, the first match wins.
   *
   * <pre>{@code
   * LrPolicy p = LrPolicies.rules(LrPolicies.uniform())
   *     .rule(ParameterSelector.glob("classifier.*"), 10)
   *     .rule(ParameterSelector.regex("encoder\\.layer\\.[0-5]\\..*"), 0.5)
   *     .build();
   * }</pre>
   */
  public static final class RulesBuilder {
    private final List<Rule> rules = new ArrayList<>();
    private final LrPolicy fallback;

    private RulesBuilder(LrPolicy fallback) {
      this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    /**
     * Adds a rule after the existing ones.
     *
     * @param selector what it matches
     * @param multiplier the multiplier it assigns
     * @return this builder
     */
    public RulesBuilder rule(ParameterSelector selector, double multiplier) {
      rules.add(new Rule(selector, multiplier));
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public LrPolicy build() {
      return new Rules(rules, fallback);
    }
  }
}
