package dev.finetune.peft;

import dev.finetune.core.model.Projection;
import dev.finetune.core.model.SequenceClassifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The LoRA adapters installed in a model, found by inspecting its projections: merge them into
 * the base weights (W += s·B·A, then the branch is skipped), unmerge them, switch between named
 * adapters.
 *
 * <pre>{@code
 * LoraLayers lora = LoraLayers.of(model);
 * lora.merge();            // outputs unchanged (within float rounding), forward as fast as the base
 * lora.unmerge();
 * lora.activate("sst2");   // with several named adapters
 * }</pre>
 */
public final class LoraLayers {

  private final List<LoraWrapper> wrappers;

  private LoraLayers(List<LoraWrapper> wrappers) {
    this.wrappers = List.copyOf(wrappers);
  }

  /**
   * Finds the LoRA adapters of a model.
   *
   * @param model the model
   * @return its LoRA layers (possibly none)
   */
  public static LoraLayers of(SequenceClassifier model) {
    List<LoraWrapper> found = new ArrayList<>();
    for (Projection p : Targets.projections(model)) {
      p.wrapper().filter(w -> w instanceof LoraWrapper).ifPresent(w -> found.add((LoraWrapper) w));
    }
    return new LoraLayers(found);
  }

  /**
   * Number of wrapped projections.
   *
   * @return how many projections carry LoRA
   */
  public int size() {
    return wrappers.size();
  }

  /**
   * Names of the wrapped projections.
   *
   * @return e.g. {@code encoder.layer.0.attention.self.query}
   */
  public List<String> modules() {
    return wrappers.stream().map(w -> w.projection().name()).toList();
  }

  /**
   * Names of the adapters present.
   *
   * @return in installation order
   */
  public Set<String> adapterNames() {
    Set<String> names = new LinkedHashSet<>();
    wrappers.forEach(w -> names.addAll(w.adapters().keySet()));
    return names;
  }

  /**
   * Folds every active adapter into its base weight; the LoRA branch is then skipped.
   *
   * @return this
   */
  public LoraLayers merge() {
    wrappers.forEach(LoraWrapper::merge);
    return this;
  }

  /**
   * Subtracts merged adapters from the base weights again (equal to the original up to float
   * rounding).
   *
   * @return this
   */
  public LoraLayers unmerge() {
    wrappers.forEach(LoraWrapper::unmerge);
    return this;
  }

  /**
   * Makes exactly the named adapters active (the others stay installed, unused).
   *
   * @param names adapter names
   * @return this
   * @throws IllegalArgumentException for an unknown name
   */
  public LoraLayers activate(String... names) {
    Set<String> wanted = new LinkedHashSet<>(List.of(names));
    Set<String> known = adapterNames();
    for (String n : wanted) {
      if (!known.contains(n)) {
        throw new IllegalArgumentException("no LoRA adapter named '" + n + "'; present: " + known);
      }
    }
    wrappers.forEach(w -> w.activate(wanted));
    return this;
  }

  List<LoraWrapper> wrappers() {
    return wrappers;
  }
}
