package dev.finetune.core.params;

import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Selects parameters by their {@link ParameterAddress}: name (exact, glob or regex), layer range
 * and role, combined with {@link #and}, {@link #or} and {@link #not}.
 *
 * <p>It is a {@code Predicate<ParameterAddress>}, so any predicate over addresses (for instance a
 * selector from {@code finetune-schedules}) works wherever {@link ModelParameters} takes one.
 *
 * <pre>{@code
 * // everything but the top two layers and the head
 * var bottom = ParameterSelection.layers(-1, 3);
 * model.parameters().freeze(bottom);
 * // BitFit: biases only
 * model.parameters().freeze(ParameterSelection.all());
 * model.parameters().unfreeze(ParameterSelection.role(ParameterRole.BIAS));
 * }</pre>
 */
@FunctionalInterface
public interface ParameterSelection extends Predicate<ParameterAddress> {

  /**
   * Selects every parameter.
   *
   * @return a selection that matches all
   */
  static ParameterSelection all() {
    return a -> true;
  }

  /**
   * Selects no parameter.
   *
   * @return a selection that matches none
   */
  static ParameterSelection none() {
    return a -> false;
  }

  /**
   * Selects parameters by exact Hugging Face name.
   *
   * @param names the names
   * @return a selection matching any of them
   */
  static ParameterSelection names(String... names) {
    Set<String> wanted = Set.copyOf(Arrays.asList(names));
    return a -> wanted.contains(a.name());
  }

  /**
   * Selects parameters whose name matches a glob: {@code *} matches any run of characters
   * (dots included), {@code ?} one character.
   *
   * <pre>{@code
   * ParameterSelection.glob("encoder.layer.*.attention.self.query.*");
   * }</pre>
   *
   * @param glob the pattern, matched against the whole name
   * @return the selection
   */
  static ParameterSelection glob(String glob) {
    Objects.requireNonNull(glob, "glob");
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    Pattern pattern = Pattern.compile(regex.toString());
    return a -> pattern.matcher(a.name()).matches();
  }

  /**
   * Selects parameters whose name contains a match of a regular expression ({@code find}, as
   * PEFT's {@code target_modules} regexes do when anchored by the caller).
   *
   * @param regex a Java regular expression
   * @return the selection
   */
  static ParameterSelection regex(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return a -> pattern.matcher(a.name()).find();
  }

  /**
   * Selects a closed range of layer indices ({@code -1} = embeddings, {@code 0..L-1}).
   *
   * @param fromInclusive lowest layer, -1 for the embeddings
   * @param toInclusive highest layer; {@link ParameterAddress#HEAD} includes the head
   * @return the selection
   */
  static ParameterSelection layers(int fromInclusive, int toInclusive) {
    return a -> a.layer() >= fromInclusive && a.layer() <= toInclusive;
  }

  /**
   * Selects one encoder layer.
   *
   * @param layer the layer index
   * @return the selection
   */
  static ParameterSelection layer(int layer) {
    return a -> a.layer() == layer;
  }

  /**
   * Selects the embeddings (layer -1).
   *
   * @return the selection
   */
  static ParameterSelection embeddings() {
    return ParameterAddress::isEmbeddings;
  }

  /**
   * Selects the encoder layers 0..L-1.
   *
   * @return the selection
   */
  static ParameterSelection encoderLayers() {
    return ParameterAddress::isEncoderLayer;
  }

  /**
   * Selects the task head (pooler and classifier).
   *
   * @return the selection
   */
  static ParameterSelection head() {
    return ParameterAddress::isHead;
  }

  /**
   * Selects by role; {@link ParameterRole#BIAS} matches every bias.
   *
   * @param first a role
   * @param more further roles
   * @return a selection matching any of the roles
   */
  static ParameterSelection role(ParameterRole first, ParameterRole... more) {
    EnumSet<ParameterRole> roles = EnumSet.of(first, more);
    return a -> roles.stream().anyMatch(a::hasRole);
  }

  /**
   * Selects every bias (including LayerNorm biases).
   *
   * @return the selection
   */
  static ParameterSelection biases() {
    return ParameterAddress::isBias;
  }

  /**
   * Adapts any predicate over addresses.
   *
   * @param predicate the predicate
   * @return the same test as a selection
   */
  static ParameterSelection of(Predicate<? super ParameterAddress> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return predicate::test;
  }

  /**
   * Both selections.
   *
   * @param other another selection
   * @return the intersection
   */
  default ParameterSelection and(ParameterSelection other) {
    return a -> test(a) && other.test(a);
  }

  /**
   * Either selection.
   *
   * @param other another selection
   * @return the union
   */
  default ParameterSelection or(ParameterSelection other) {
    return a -> test(a) || other.test(a);
  }

  /**
   * The complement.
   *
   * @return a selection matching what this one does not
   */
  default ParameterSelection not() {
    return a -> !test(a);
  }
}
