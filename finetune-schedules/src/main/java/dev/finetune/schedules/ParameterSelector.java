package dev.finetune.schedules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Selects parameters by name (glob, regex, PEFT-style module suffix), layer (index, range, top or
 * bottom k), position (embeddings, head) and role, combined with {@code and}, {@code or} and
 * {@code not}. LR rules, weight-decay rules, unfreeze schedules, freezing and PEFT targets all
 * select with it.
 *
 * <p>Name patterns match the whole Hugging Face name. Globs: {@code *} any characters (dots
 * included, as Python's {@code fnmatch}), {@code ?} one character, {@code {a,b}} alternatives.
 * Regexes use {@link java.util.regex.Pattern} syntax and must match the whole name (as PEFT's
 * {@code re.fullmatch}). Selectors are values: equal when built the same, with a readable
 * {@code toString()}.
 *
 * <pre>{@code
 * ParameterSelector topTwoNoBias =
 *     ParameterSelector.topLayers(2).and(ParameterSelector.biases().negate());
 * ParameterSelector loraTargets = ParameterSelector.modules("query", "value");
 * List<ParameterAddress> chosen = topTwoNoBias.select(allAddresses);
 * }</pre>
 */
@FunctionalInterface
public interface ParameterSelector {

  /**
   * Tells whether a parameter is selected.
   *
   * @param address the parameter
   * @param numLayers the model's number of encoder layers {@code L} (for top/bottom selections)
   * @return true when selected
   */
  boolean matches(ParameterAddress address, int numLayers);

  /**
   * Selects from a model's parameters, in their order; {@code L} is inferred with
   * {@link ParameterAddress#numLayers(Collection)}.
   *
   * @param addresses every parameter of the model
   * @return the selected ones
   */
  default List<ParameterAddress> select(Collection<ParameterAddress> addresses) {
    int numLayers = ParameterAddress.numLayers(addresses);
    List<ParameterAddress> out = new ArrayList<>();
    for (ParameterAddress a : addresses) {
      if (matches(a, numLayers)) {
        out.add(a);
      }
    }
    return out;
  }

  /**
   * Selects what both select.
   *
   * @param other the other selector
   * @return the intersection
   */
  default ParameterSelector and(ParameterSelector other) {
    return new Selectors.And(List.of(this, other));
  }

  /**
   * Selects what either selects.
   *
   * @param other the other selector
   * @return the union
   */
  default ParameterSelector or(ParameterSelector other) {
    return new Selectors.Or(List.of(this, other));
  }

  /**
   * Selects what this does not.
   *
   * @return the complement
   */
  default ParameterSelector negate() {
    return new Selectors.Not(this);
  }

  /**
   * Selects every parameter.
   *
   * @return the selector
   */
  static ParameterSelector all() {
    return new Selectors.All();
  }

  /**
   * Selects no parameter.
   *
   * @return the selector
   */
  static ParameterSelector none() {
    return new Selectors.Not(new Selectors.All());
  }

  /**
   * Selects names matching a glob ({@code *}, {@code ?}, {@code {a,b}}), e.g.
   * {@code encoder.layer.*.attention.*}.
   *
   * @param glob the glob, matched against the whole name
   * @return the selector
   */
  static ParameterSelector glob(String glob) {
    return new Selectors.Glob(glob);
  }

  /**
   * Selects names fully matching a regular expression.
   *
   * @param regex the expression
   * @return the selector
   */
  static ParameterSelector regex(String regex) {
    return new Selectors.Regex(regex);
  }

  /**
   * Selects parameters with exactly these names.
   *
   * @param names the names
   * @return the selector
   */
  static ParameterSelector names(String... names) {
    return new Selectors.Names(List.of(names));
  }

  /**
   * Selects the parameters of modules whose path ends with one of these suffixes, as PEFT's
   * {@code target_modules=["query", "value"]}: the module path (the name without its last
   * segment) equals the suffix or ends with {@code "." + suffix}.
   *
   * @param suffixes module names or dotted suffixes, e.g. {@code query}, {@code attention.output.dense}
   * @return the selector
   */
  static ParameterSelector modules(String... suffixes) {
    return new Selectors.Modules(List.of(suffixes));
  }

  /**
   * Selects encoder layers {@code from..to}, both inclusive.
   *
   * @param from the lowest layer, {@code >= 0}
   * @param to the highest layer, {@code >= from}
   * @return the selector
   */
  static ParameterSelector layers(int from, int to) {
    return new Selectors.LayerRange(from, to);
  }

  /**
   * Selects one encoder layer.
   *
   * @param layer the layer index
   * @return the selector
   */
  static ParameterSelector layer(int layer) {
    return new Selectors.LayerRange(layer, layer);
  }

  /**
   * Selects the top {@code k} encoder layers ({@code L-k..L-1}).
   *
   * @param k how many, {@code >= 0}
   * @return the selector
   */
  static ParameterSelector topLayers(int k) {
    return new Selectors.TopLayers(k);
  }

  /**
   * Selects the bottom {@code k} encoder layers ({@code 0..k-1}).
   *
   * @param k how many, {@code >= 0}
   * @return the selector
   */
  static ParameterSelector bottomLayers(int k) {
    return new Selectors.LayerRange(0, k - 1);
  }

  /**
   * Selects every encoder layer (not embeddings, not head).
   *
   * @return the selector
   */
  static ParameterSelector encoderLayers() {
    return new Selectors.Position(Selectors.Where.ENCODER);
  }

  /**
   * Selects the embeddings (layer {@link ParameterAddress#EMBEDDINGS}).
   *
   * @return the selector
   */
  static ParameterSelector embeddings() {
    return new Selectors.Position(Selectors.Where.EMBEDDINGS);
  }

  /**
   * Selects the task head (layer {@link ParameterAddress#HEAD}: pooler and classifier).
   *
   * @return the selector
   */
  static ParameterSelector head() {
    return new Selectors.Position(Selectors.Where.HEAD);
  }

  /**
   * Selects parameters having one of these roles ({@link ParameterRole#BIAS} selects biases).
   *
   * @param roles the roles
   * @return the selector
   */
  static ParameterSelector role(ParameterRole... roles) {
    return new Selectors.Roles(List.of(roles));
  }

  /**
   * Selects every bias (BitFit's trainable set).
   *
   * @return the selector
   */
  static ParameterSelector biases() {
    return new Selectors.Roles(List.of(ParameterRole.BIAS));
  }

  /**
   * Selects what all of the selectors select.
   *
   * @param selectors the selectors
   * @return the intersection (every parameter when empty)
   */
  static ParameterSelector allOf(ParameterSelector... selectors) {
    return new Selectors.And(Arrays.asList(selectors));
  }

  /**
   * Selects what any of the selectors selects.
   *
   * @param selectors the selectors
   * @return the union (no parameter when empty)
   */
  static ParameterSelector anyOf(ParameterSelector... selectors) {
    return new Selectors.Or(Arrays.asList(selectors));
  }

  /**
   * Selects what a selector does not.
   *
   * @param selector the selector
   * @return the complement
   */
  static ParameterSelector not(ParameterSelector selector) {
    return new Selectors.Not(selector);
  }
}
