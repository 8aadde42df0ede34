package dev.finetune.experiments.grid;

import dev.finetune.core.data.DatasetSplit;
import dev.finetune.core.data.TaskData;
import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.tokens.TokenSplit;
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
 * created: the data (texts, a {@link DatasetSplit}, or tagged words, a {@link TokenSplit}), the
 * learning rate (base value, scale and parameter-group policy, combined at
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
  private TaskData data;
  private double learningRate = 2e-5;
  private double lrScale = 1.0;
  private LrPolicy lrPolicy = LrPolicies.uniform();
  private final List<Consumer<FineTune>> chain = new ArrayList<>();
  private final Map<String, String> settings = new LinkedHashMap<>();

  CellSetup(Cell cell, TaskData data) {
    this.cell = cell;
    this.data = data;
  }

  /** @return the cell being configured (its axis values and seed) */
  public Cell cell() {
    return cell;
  }

  /**
   * The cell's data as configured so far, of either kind: a {@link DatasetSplit} of texts or a
   * {@link TokenSplit} of tagged words; the cell trains with {@code FineTune.fit(data)} (a test
   * part, when the data has one, is scored once at the end).
   *
   * @return the data, or null when the grid has none yet
   */
  public TaskData data() {
    return data;
  }

  /**
   * The training texts as configured so far.
   *
   * @return the training set (null when the grid has no data yet)
   * @throws IllegalStateException when the cell's data is token data (use {@link #data()})
   */
  public TextDataset train() {
    return data == null ? null : text("train()").train();
  }

  /**
   * The validation texts as configured so far.
   *
   * @return the validation set (null when the grid has no data yet)
   * @throws IllegalStateException when the cell's data is token data (use {@link #data()})
   */
  public TextDataset validation() {
    return data == null ? null : text("validation()").validation();
  }

  /**
   * Replaces the training texts, e.g. by a seeded sample of them.
   *
   * @param value the training set
   * @return this
   * @throws IllegalStateException when the cell has no text data yet (set both with
   *     {@link #data(TextDataset, TextDataset)})
   */
  public CellSetup train(TextDataset value) {
    Objects.requireNonNull(value, "train");
    if (data == null) {
      throw new IllegalStateException("cell " + cell.id() + " has no data yet to replace the"
          + " training set of; set both with data(train, validation)");
    }
    DatasetSplit text = text("train(TextDataset)");
    data = new DatasetSplit(value, text.validation(), text.test());
    return this;
  }

  /**
   * Replaces both text data sets, e.g. by a dataset axis or a train/validation split axis.
   *
   * @param trainSet the training set
   * @param validationSet the validation set
   * @return this
   */
  public CellSetup data(TextDataset trainSet, TextDataset validationSet) {
    data = new DatasetSplit(Objects.requireNonNull(trainSet, "train"),
        Objects.requireNonNull(validationSet, "validation"));
    return this;
  }

  /**
   * Replaces the cell's data with data of either kind (a task's {@code Tasks.find(name).load(dir)}).
   *
   * <pre>{@code
   * Variant ner = Variant.of("conll", s -> s.data(Conll2003.load(dir).sample(2000, 500, 42)));
   * }</pre>
   *
   * @param value a {@link DatasetSplit} or a {@link TokenSplit}
   * @return this
   */
  public CellSetup data(TaskData value) {
    data = Objects.requireNonNull(value, "data");
    return this;
  }

  private DatasetSplit text(String call) {
    if (data instanceof DatasetSplit split) {
      return split;
    }
    throw new IllegalStateException("cell " + cell.id() + " trains on token data ("
        + data.getClass().getSimpleName() + "), not texts: use data() instead of " + call);
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
