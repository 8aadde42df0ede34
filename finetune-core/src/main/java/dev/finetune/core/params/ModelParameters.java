package dev.finetune.core.params;

import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered parameters of a model, each with its Hugging Face name and address: list, select,
 * freeze, unfreeze and count them.
 *
 * <p>Freezing sets {@code requiresGradient} off on the parameter and its array, so backward
 * computes no gradient for it; unfreezing restores it. PEFT methods {@link #add add} their own
 * parameters here so that optimizers and checkpoints see them.
 *
 * <pre>{@code
 * ModelParameters params = model.parameters();
 * params.freeze(ParameterSelector.all());
 * params.unfreeze(ParameterSelector.head().or(ParameterSelector.topLayers(2)));
 * params.freeze(a -> a.isEmbeddings());            // any predicate over addresses works too
 * System.out.println(params.countTrainable() + " of " + params.countTotal());
 * }</pre>
 */
public final class ModelParameters {

  private static final Logger LOG = LoggerFactory.getLogger(ModelParameters.class);

  private final Map<String, ModelParameter> byName = new LinkedHashMap<>();
  private final Set<String> fixed = new HashSet<>();

  /** Creates an empty registry; models fill it in order (embeddings, layers, head). */
  public ModelParameters() {}

  /**
   * Adds a parameter at the end of the order.
   *
   * @param parameter the parameter to add
   * @throws IllegalArgumentException when its name is taken
   */
  public synchronized void add(ModelParameter parameter) {
    if (byName.containsKey(parameter.hfName())) {
      throw new IllegalArgumentException("a parameter named " + parameter.hfName() + " exists");
    }
    byName.put(parameter.hfName(), parameter);
  }

  /**
   * Adds a parameter that is never trained (a family's fixed table, such as DistilBERT's
   * sinusoidal positions): it is frozen now and {@link #unfreeze} passes over it, so no method,
   * callback or resume makes it require a gradient. It is saved and loaded as any other.
   *
   * @param parameter the parameter to add
   * @throws IllegalArgumentException when its name is taken
   */
  public synchronized void addFixed(ModelParameter parameter) {
    add(parameter);
    parameter.parameter().freeze(true);
    fixed.add(parameter.hfName());
  }

  /**
   * Tells whether a parameter was added with {@link #addFixed}.
   *
   * @param hfName the name
   * @return true when it is never trained
   */
  public synchronized boolean isFixed(String hfName) {
    return fixed.contains(hfName);
  }

  /**
   * Removes a parameter (for instance when a PEFT method is unloaded); does not close it.
   *
   * @param hfName the name
   * @return the removed parameter, if there was one
   */
  public synchronized Optional<ModelParameter> remove(String hfName) {
    fixed.remove(hfName);
    return Optional.ofNullable(byName.remove(hfName));
  }

  /**
   * Lists every parameter, in model order.
   *
   * @return an immutable snapshot
   */
  public synchronized List<ModelParameter> all() {
    return List.copyOf(byName.values());
  }

  /**
   * Finds a parameter by name.
   *
   * @param hfName the Hugging Face name
   * @return the parameter, if present
   */
  public synchronized Optional<ModelParameter> find(String hfName) {
    return Optional.ofNullable(byName.get(hfName));
  }

  /**
   * Gets a parameter by name.
   *
   * @param hfName the Hugging Face name
   * @return the parameter
   * @throws IllegalArgumentException naming close matches when absent
   */
  public synchronized ModelParameter get(String hfName) {
    ModelParameter p = byName.get(hfName);
    if (p == null) {
      String tail = hfName.contains(".") ? hfName.substring(hfName.lastIndexOf('.')) : hfName;
      List<String> similar =
          byName.keySet().stream().filter(n -> n.endsWith(tail)).limit(5).toList();
      throw new IllegalArgumentException(
          "no parameter named " + hfName + "; names look like " + similar);
    }
    return p;
  }

  /**
   * Selects parameters in model order.
   *
   * @param selector a predicate over addresses
   * @return the matching parameters
   */
  public synchronized List<ModelParameter> select(Predicate<? super ParameterAddress> selector) {
    List<ModelParameter> out = new ArrayList<>();
    for (ModelParameter p : byName.values()) {
      if (selector.test(p.address())) {
        out.add(p);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Selects parameters in model order with a selector of {@code finetune-schedules} (layer
   * positions such as "top k" are resolved against this model's number of layers).
   *
   * @param selector the selector
   * @return the matching parameters
   */
  public List<ModelParameter> select(ParameterSelector selector) {
    return select(asPredicate(selector));
  }

  /**
   * The number of encoder layers L, from the addresses.
   *
   * @return L (0 when there is no encoder layer)
   */
  public synchronized int numLayers() {
    return ParameterAddress.numLayers(byName.values().stream().map(ModelParameter::address).toList());
  }

  private Predicate<ParameterAddress> asPredicate(ParameterSelector selector) {
    int layers = numLayers();
    return a -> selector.matches(a, layers);
  }

  /**
   * Freezes the selected parameters.
   *
   * @param selector which parameters
   * @return how many parameters matched
   */
  public int freeze(ParameterSelector selector) {
    return freeze(asPredicate(selector));
  }

  /**
   * Unfreezes the selected parameters.
   *
   * @param selector which parameters
   * @return how many parameters matched
   */
  public int unfreeze(ParameterSelector selector) {
    return unfreeze(asPredicate(selector));
  }

  /**
   * Makes exactly the selected parameters trainable and freezes all others.
   *
   * @param selector which parameters to train
   * @return how many parameters are trainable afterwards
   */
  public int trainOnly(ParameterSelector selector) {
    return trainOnly(asPredicate(selector));
  }

  /**
   * Lists the trainable (not frozen) parameters in model order.
   *
   * @return the parameters that require gradients
   */
  public List<ModelParameter> trainable() {
    return all().stream().filter(ModelParameter::isTrainable).toList();
  }

  /**
   * Freezes the selected parameters: they no longer require gradients.
   *
   * @param selector which parameters
   * @return how many parameters matched
   */
  public int freeze(Predicate<? super ParameterAddress> selector) {
    return setTrainable(selector, false);
  }

  /**
   * Unfreezes the selected parameters: they require gradients again (except {@link #addFixed
   * fixed} ones).
   *
   * @param selector which parameters
   * @return how many parameters matched
   */
  public int unfreeze(Predicate<? super ParameterAddress> selector) {
    return setTrainable(selector, true);
  }

  /**
   * Makes exactly the selected parameters trainable and freezes all others.
   *
   * @param selector which parameters to train
   * @return how many parameters are trainable afterwards
   */
  public int trainOnly(Predicate<? super ParameterAddress> selector) {
    freeze(a -> true);
    return unfreeze(selector);
  }

  private int setTrainable(Predicate<? super ParameterAddress> selector, boolean trainable) {
    List<ModelParameter> chosen = select(selector);
    for (ModelParameter p : chosen) {
      p.parameter().freeze(!trainable || isFixed(p.hfName()));
    }
    if (chosen.isEmpty()) {
      LOG.warn("{} matched no parameter", trainable ? "unfreeze" : "freeze");
    }
    return chosen.size();
  }

  /**
   * Counts all scalar values.
   *
   * @return the total parameter count
   */
  public long countTotal() {
    return all().stream().mapToLong(ModelParameter::size).sum();
  }

  /**
   * Counts the scalar values of trainable parameters.
   *
   * @return the trainable parameter count
   */
  public long countTrainable() {
    return trainable().stream().mapToLong(ModelParameter::size).sum();
  }

  /**
   * Number of parameter tensors.
   *
   * @return the tensor count
   */
  public synchronized int size() {
    return byName.size();
  }
}
