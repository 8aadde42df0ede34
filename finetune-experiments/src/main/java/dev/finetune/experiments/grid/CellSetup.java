package dev.finetune.experiments.grid;

import dev.finetune.core.data.TextDataset;
import dev.finetune.core.train.FineTune;
import dev.finetune.schedules.policy.LrPolicies;
import dev.finetune.schedules.policy.LrPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the grid's base configuration and a cell's {@link Variant}s configure, before the model is
 * created: the data, the learning rate (base value, scale and parameter-group policy, combined at
 * the end so that axes compose, e.g. an adapter axis scaling whatever LR a scheme axis set), and
 * any further option of the {@link FineTune} chain, applied in order once the model exists.
 *
 * <pre>{@code
 * Variant houlsby = Variant.of("houlsby", s -> s
 *     .chain(c -> c.peft(Adapters.houlsby()))
 *     .scaleLearningRate(20)
 *     .setting("adapter", "houlsby, reduction 16"));
 * }</pre>
 */
public final class CellSetup {

  private final Cell cell;
  private TextDataset train;
  private TextDataset validation;
  private double learningRate = 2e-5;
  private double lrScale = 1.0;
  private LrPolicy lrPolicy = LrPolicies.uniform();
  private final List<Consumer<FineTune>> chain = new ArrayList<>();
  private final Map<String, String> settings = new LinkedHashMap<>();

  CellSetup(Cell cell, TextDataset train, TextDataset validation) {
    this.cell = cell;
    this.train = train;
    this.validation = validation;
  }

  /** @return the cell being configured (its axis values and seed) */
  public Cell cell() {
    return cell;
  }

  /** @return the training set as configured so far (null when the grid has no data yet) */
  public TextDataset train() {
    return train;
  }

  /** @return the validation set as configured so far (null when the grid has none yet) */
  public TextDataset validation() {
    return validation;
  }

  /**
   * Replaces the training set, e.g. by a seeded sample of it.
   *
   * @param value the training set
   * @return this
   */
  public CellSetup train(TextDataset value) {
    train = Objects.requireNonNull(value, "train");
    return this;
  }

  /**
   * Replaces both data sets, e.g. by a dataset axis or a train/validation split axis.
   *
   * @param trainSet the training set
   * @param validationSet the validation set
   * @return this
   */
  public CellSetup data(TextDataset trainSet, TextDataset validationSet) {
    train = Objects.requireNonNull(trainSet, "train");
    validation = Objects.requireNonNull(validationSet, "validation");
    return this;
  }

  /**
   * Sets the base learning rate (default 2e-5, FineTune's default).
   *
   * @param value the learning rate
   * @return this
   */
  public CellSetup learningRate(double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + value);
    }
    learningRate = value;
    return this;
  }

  /**
   * Multiplies the learning rate (scales compose: two axes scaling by 10 and 2 give 20).
   *
   * @param factor the factor, {@code > 0}
   * @return this
   */
  public CellSetup scaleLearningRate(double factor) {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("learning-rate scale must be > 0, got " + factor);
    }
    lrScale *= factor;
    return this;
  }

  /**
   * Sets the parameter-group policy (default uniform).
   *
   * @param policy e.g. {@code LrPolicies.discriminative()}
   * @return this
   */
  public CellSetup lrPolicy(LrPolicy policy) {
    lrPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Adds an option of the fine-tuning chain, applied in order after the model exists (PEFT
   * methods, optimizer, schedule, callbacks, epochs, ...). Do not set the learning rate here: it
   * is set from {@link #learningRate(double)}, {@link #scaleLearningRate(double)} and
   * {@link #lrPolicy(LrPolicy)} after all these.
   *
   * @param option the option
   * @return this
   */
  public CellSetup chain(Consumer<FineTune> option) {
    chain.add(Objects.requireNonNull(option, "option"));
    return this;
  }

  /**
   * Records a setting in the cell's result (beside what the training report records itself).
   *
   * @param key the name
   * @param value the value
   * @return this
   */
  public CellSetup setting(String key, Object value) {
    settings.put(Objects.requireNonNull(key, "key"), String.valueOf(value));
    return this;
  }

  /** @return the learning rate the cell trains with: base × scale */
  public double effectiveLearningRate() {
    return learningRate * lrScale;
  }

  /** @return the parameter-group policy */
  public LrPolicy lrPolicy() {
    return lrPolicy;
  }

  /** @return the recorded settings, in insertion order */
  public Map<String, String> settings() {
    return Collections.unmodifiableMap(settings);
  }

  /** Applies the chain options, then the learning rate and policy. */
  void applyTo(FineTune fineTune) {
    chain.forEach(option -> option.accept(fineTune));
    fineTune.learningRate(effectiveLearningRate(), lrPolicy);
  }
}
