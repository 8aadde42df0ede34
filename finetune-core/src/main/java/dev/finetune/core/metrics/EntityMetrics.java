package dev.finetune.core.metrics;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Entity-level precision, recall and F1 (micro and per type) and token accuracy, accumulated over
 * sentences, with the definitions of {@code seqeval}'s default mode ({@code precision_score},
 * {@code recall_score}, {@code f1_score}, {@code classification_report} and {@code accuracy_score}
 * in {@code seqeval/metrics/sequence_labeling.py}, github.com/chakki-works/seqeval).
 *
 * <p>Entities are decoded by {@link Entities#of} (the {@code conlleval} chunk rules), so IOB1 and
 * IOB2 tags can be scored without conversion. A predicted entity is correct when its type, start
 * and end all equal a gold entity of the same sentence. Precision is correct / predicted, recall
 * correct / gold, F1 their harmonic mean; each is 0 when its denominator is 0 (seqeval's {@code
 * zero_division} default). Per-type rows cover every type found in the gold or the predicted tags,
 * as seqeval 1.x's {@code extract_tp_actual_correct} ({@code seqeval/metrics/v1.py}) and so its
 * {@code classification_report}, with support 0 for a type only predicted; token accuracy counts
 * positions whose tag strings are equal. Not thread-safe.
 *
 * <pre>{@code
 * EntityMetrics metrics = new EntityMetrics();
 * metrics.add(List.of("B-PER", "I-PER", "O"), List.of("B-PER", "I-PER", "O"));
 * EntityMetrics.Result result = metrics.result();
 * double f1 = result.f1();                        // 1.0
 * double perF1 = result.perType().get("PER").f1(); // 1.0
 * }</pre>
 */
public final class EntityMetrics {

  private final Map<String, int[]> counts = new TreeMap<>(); // type -> {correct, predicted, gold}
  private long tokens;
  private long correctTokens;
  private int sentences;

  /**
   * Precision, recall, F1 and support of one entity type or of all (micro).
   *
   * @param precision correct / predicted (0 when nothing was predicted)
   * @param recall correct / gold (0 when there is no gold entity)
   * @param f1 harmonic mean of precision and recall (0 when both are 0)
   * @param support the number of gold entities
   * @param predicted the number of predicted entities
   * @param correct the number of exactly matched entities
   */
  public record Scores(
      double precision, double recall, double f1, int support, int predicted, int correct) {

    static Scores of(int correct, int predicted, int gold) {
      double p = predicted > 0 ? (double) correct / predicted : 0;
      double r = gold > 0 ? (double) correct / gold : 0;
      double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
      return new Scores(p, r, f, gold, predicted, correct);
    }
  }

  /**
   * The metrics of everything added so far.
   *
   * @param micro the micro-averaged scores over all types
   * @param perType scores per entity type found in the gold or predicted tags, sorted by type
   * @param accuracy token accuracy (0 when no token was added)
   * @param sentences the number of sentences added
   * @param tokens the number of tokens added
   */
  public record Result(
      Scores micro, Map<String, Scores> perType, double accuracy, int sentences, long tokens) {

    /**
     * Micro precision.
     *
     * @return correct / predicted
     */
    public double precision() {
      return micro.precision();
    }

    /**
     * Micro recall.
     *
     * @return correct / gold
     */
    public double recall() {
      return micro.recall();
    }

    /**
     * Micro F1, the headline CoNLL number.
     *
     * @return the F1
     */
    public double f1() {
      return micro.f1();
    }
  }

  /** An empty accumulator. */
  public EntityMetrics() {}

  /**
   * Scores whole corpora in one call.
   *
   * @param gold the gold tags, one list per sentence
   * @param predicted the predicted tags, same shape
   * @return the result
   */
  public static Result score(List<List<String>> gold, List<List<String>> predicted) {
    if (gold.size() != predicted.size()) {
      throw new IllegalArgumentException(
          "gold has " + gold.size() + " sentences but predicted has " + predicted.size());
    }
    EntityMetrics metrics = new EntityMetrics();
    for (int i = 0; i < gold.size(); i++) {
      metrics.add(gold.get(i), predicted.get(i));
    }
    return metrics.result();
  }

  /**
   * Adds one sentence.
   *
   * @param gold its gold tags
   * @param predicted the predicted tags, one per gold tag
   * @throws IllegalArgumentException when the lengths differ or a tag is malformed
   */
  public void add(List<String> gold, List<String> predicted) {
    Objects.requireNonNull(gold, "gold");
    Objects.requireNonNull(predicted, "predicted");
    if (gold.size() != predicted.size()) {
      throw new IllegalArgumentException(
          "sentence "
              + sentences
              + ": "
              + gold.size()
              + " gold tags but "
              + predicted.size()
              + " predicted tags; predict one tag per word");
    }
    List<Entities.Entity> goldEntities = Entities.of(gold);
    List<Entities.Entity> predictedEntities = Entities.of(predicted);
    Set<Entities.Entity> goldSet = new HashSet<>(goldEntities);
    for (Entities.Entity entity : goldEntities) {
      counts.computeIfAbsent(entity.type(), t -> new int[3])[2]++;
    }
    for (Entities.Entity entity : predictedEntities) {
      int[] row = counts.computeIfAbsent(entity.type(), t -> new int[3]);
      row[1]++;
      if (goldSet.contains(entity)) {
        row[0]++;
      }
    }
    for (int i = 0; i < gold.size(); i++) {
      if (gold.get(i).equals(predicted.get(i))) {
        correctTokens++;
      }
    }
    tokens += gold.size();
    sentences++;
  }

  /**
   * The scores so far.
   *
   * @return micro and per-type scores and token accuracy
   */
  public Result result() {
    int correct = 0;
    int predicted = 0;
    int gold = 0;
    Map<String, Scores> perType = new TreeMap<>();
    for (Map.Entry<String, int[]> entry : counts.entrySet()) {
      int[] row = entry.getValue();
      correct += row[0];
      predicted += row[1];
      gold += row[2];
      perType.put(entry.getKey(), Scores.of(row[0], row[1], row[2]));
    }
    double accuracy = tokens > 0 ? (double) correctTokens / tokens : 0;
    return new Result(
        Scores.of(correct, predicted, gold),
        Collections.unmodifiableMap(perType),
        accuracy,
        sentences,
        tokens);
  }
}
