package dev.finetune.experiments.grid;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One dimension of an {@link ExperimentGrid}: a name and its named {@link Variant}s, in order.
 *
 * <pre>{@code
 * Axis method = Axis.of("method",
 *     Variant.none("full"),
 *     Variant.of("bitfit", s -> s.chain(c -> c.peft(Peft.bitFit()))));
 * }</pre>
 *
 * @param name the axis name (a column of the result tables)
 * @param variants its values, at least one, with distinct names
 */
public record Axis(String name, List<Variant> variants) {

  /** Checks the name, copies the variants and checks that their names are distinct. */
  public Axis {
    CellId.requireName("axis", name);
    variants = List.copyOf(variants);
    if (variants.isEmpty()) {
      throw new IllegalArgumentException("axis '" + name + "' has no variants; give it at least one");
    }
    Set<String> seen = new HashSet<>();
    for (Variant v : variants) {
      if (!seen.add(v.name())) {
        throw new IllegalArgumentException(
            "axis '" + name + "' has two variants named '" + v.name() + "'; names must be distinct");
      }
    }
  }

  /**
   * An axis.
   *
   * @param name the axis name
   * @param variants its values
   * @return the axis
   */
  public static Axis of(String name, Variant... variants) {
    return new Axis(name, List.of(variants));
  }

  /**
   * The variant with a name.
   *
   * @param variantName the name
   * @return the variant
   * @throws IllegalArgumentException when there is none, listing the names there are
   */
  public Variant variant(String variantName) {
    return variants.stream()
        .filter(v -> v.name().equals(variantName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("axis '" + name + "' has no variant '"
            + variantName + "'; it has " + variants.stream().map(Variant::name).toList()));
  }
}
