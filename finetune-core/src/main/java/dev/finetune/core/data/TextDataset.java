package dev.finetune.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * An immutable, named list of {@link TextExample}s with the names of its classes.
 *
 * <p>All derived data sets ({@link #shuffled}, {@link #split}, {@link #take}, {@link #sample}) are
 * deterministic functions of their arguments: the same seed gives the same rows on every JVM
 * ({@link java.util.Random}'s generator is specified). A classification data set has one name per
 * class ({@link #numLabels()} = {@code labelNames().size()}); a regression data set has no label
 * names and {@code numLabels() == 1}; a multi-label data set ({@link #isMultiLabel()}) has one
 * name per label, and each example carries the set of label ids that apply.
 *
 * <pre>{@code
 * TextDataset train = Glue.sst2().train();
 * DatasetSplit quick = train.sample(2_000, 7).split(0.9, 7, true); // stratified 90/10
 * System.out.println(train.name() + " " + train.size() + " " + Arrays.toString(train.labelCounts()));
 * TextDataset emotions = GoEmotions.load().train();   // multi-label: 28 names, label sets
 * int[] perEmotion = emotions.labelCounts();           // examples carrying each label
 * }</pre>
 */
public final class TextDataset implements Iterable<TextExample> {

  private final String name;
  private final List<TextExample> examples;
  private final List<String> labelNames;
  private final Kind kind;
  private final int skippedRows;

  /** What the examples' labels are. */
  private enum Kind {
    CLASSIFICATION,
    REGRESSION,
    MULTI_LABEL
  }

  private TextDataset(
      String name, List<TextExample> examples, List<String> labelNames, Kind kind, int skippedRows) {
    this.name = Objects.requireNonNull(name, "name");
    this.examples = examples;
    this.labelNames = labelNames;
    this.kind = kind;
    this.skippedRows = skippedRows;
  }

  /**
   * A classification data set.
   *
   * @param name a name for logs and reports, such as {@code "sst2/train"}
   * @param examples the examples, each with a label in {@code [0, labelNames.size())}
   * @param labelNames the class names, index = class id
   * @return the data set
   * @throws IllegalArgumentException when a label is out of range or an example is a regression one
   */
  public static TextDataset of(String name, List<TextExample> examples, List<String> labelNames) {
    return of(name, examples, labelNames, 0);
  }

  /**
   * A classification data set read from a source that skipped bad rows.
   *
   * @param name a name for logs and reports
   * @param examples the examples
   * @param labelNames the class names, index = class id
   * @param skippedRows how many rows of the source were skipped as bad
   * @return the data set
   */
  public static TextDataset of(
      String name, List<TextExample> examples, List<String> labelNames, int skippedRows) {
    List<String> names = List.copyOf(labelNames);
    if (names.isEmpty()) {
      throw new IllegalArgumentException(name + ": a classification data set needs label names");
    }
    List<TextExample> copy = List.copyOf(examples);
    for (int i = 0; i < copy.size(); i++) {
      TextExample example = copy.get(i);
      if (example.isRegression() || example.isMultiLabel() || example.label() >= names.size()) {
        throw new IllegalArgumentException(
            name
                + ": example "
                + i
                + " has label "
                + example.label()
                + " outside [0, "
                + names.size()
                + ") (label names "
                + names
                + ")");
      }
    }
    return new TextDataset(name, copy, names, Kind.CLASSIFICATION, skippedRows);
  }

  /**
   * A regression data set.
   *
   * @param name a name for logs and reports
   * @param examples regression examples (finite targets)
   * @param skippedRows how many rows of the source were skipped as bad
   * @return the data set
   */
  public static TextDataset regression(String name, List<TextExample> examples, int skippedRows) {
    List<TextExample> copy = List.copyOf(examples);
    for (int i = 0; i < copy.size(); i++) {
      if (!copy.get(i).isRegression()) {
        throw new IllegalArgumentException(name + ": example " + i + " has no regression target");
      }
    }
    return new TextDataset(name, copy, List.of(), Kind.REGRESSION, skippedRows);
  }

  /**
   * A multi-label data set: each example carries the set of label ids that apply.
   *
   * @param name a name for logs and reports
   * @param examples multi-label examples, each id in {@code [0, labelNames.size())}
   * @param labelNames the label names, index = label id
   * @param skippedRows how many rows of the source were skipped as bad
   * @return the data set
   * @throws IllegalArgumentException when an example is not multi-label or has an id out of range
   */
  public static TextDataset multiLabel(
      String name, List<TextExample> examples, List<String> labelNames, int skippedRows) {
    List<String> names = List.copyOf(labelNames);
    if (names.isEmpty()) {
      throw new IllegalArgumentException(name + ": a multi-label data set needs label names");
    }
    List<TextExample> copy = List.copyOf(examples);
    for (int i = 0; i < copy.size(); i++) {
      TextExample example = copy.get(i);
      if (!example.isMultiLabel()) {
        throw new IllegalArgumentException(
            name + ": example " + i + " has no label set (use TextExample.multiLabel)");
      }
      int[] ids = example.labels();
      if (ids.length > 0 && ids[ids.length - 1] >= names.size()) {
        throw new IllegalArgumentException(
            name + ": example " + i + " has label " + ids[ids.length - 1] + " outside [0, "
                + names.size() + ") (label names " + names + ")");
      }
    }
    return new TextDataset(name, copy, names, Kind.MULTI_LABEL, skippedRows);
  }

  /**
   * The name given when the data set was made, e.g. {@code sst2/train}.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The number of examples.
   *
   * @return the size
   */
  public int size() {
    return examples.size();
  }

  /**
   * Whether the data set has no examples.
   *
   * @return true when empty
   */
  public boolean isEmpty() {
    return examples.isEmpty();
  }

  /**
   * The example at an index.
   *
   * @param index 0-based
   * @return the example
   */
  public TextExample get(int index) {
    return examples.get(index);
  }

  /**
   * All examples, as an unmodifiable list.
   *
   * @return the examples in order
   */
  public List<TextExample> examples() {
    return examples;
  }

  /**
   * The examples as a stream.
   *
   * @return a sequential stream in order
   */
  public Stream<TextExample> stream() {
    return examples.stream();
  }

  @Override
  public Iterator<TextExample> iterator() {
    return examples.iterator();
  }

  /**
   * The class names; index = class id. Empty for regression.
   *
   * @return an unmodifiable list
   */
  public List<String> labelNames() {
    return labelNames;
  }

  /**
   * The number of model outputs: the number of classes (or labels of a multi-label data set), or 1
   * for regression.
   *
   * @return the number of labels
   */
  public int numLabels() {
    return kind == Kind.REGRESSION ? 1 : labelNames.size();
  }

  /**
   * Whether the examples carry real-valued targets rather than class ids.
   *
   * @return true for regression
   */
  public boolean isRegression() {
    return kind == Kind.REGRESSION;
  }

  /**
   * Whether each example carries a set of label ids (any number of labels may apply) rather than
   * one class id.
   *
   * @return true for multi-label
   */
  public boolean isMultiLabel() {
    return kind == Kind.MULTI_LABEL;
  }

  /**
   * Whether any example is a sentence pair.
   *
   * @return true when at least one example has a {@code textPair}
   */
  public boolean hasPairs() {
    return examples.stream().anyMatch(TextExample::hasPair);
  }

  /**
   * How many rows of the source file were skipped as bad (only when the reader was told to skip
   * bad rows; otherwise a bad row is an error). Data sets derived from this one report the same
   * count: it describes the source.
   *
   * @return the number of skipped rows
   */
  public int skippedRows() {
    return skippedRows;
  }

  /**
   * How many examples each class has; for a multi-label data set, how many examples carry each
   * label (the counts then sum to the number of (example, label) pairs, not to the size).
   *
   * @return counts indexed by class or label id (empty for regression)
   */
  public int[] labelCounts() {
    int[] counts = new int[kind == Kind.REGRESSION ? 0 : labelNames.size()];
    for (TextExample example : examples) {
      switch (kind) {
        case CLASSIFICATION -> counts[example.label()]++;
        case MULTI_LABEL -> {
          for (int id : example.labels()) {
            counts[id]++;
          }
        }
        case REGRESSION -> {
          // no labels to count
        }
        default -> throw new IllegalStateException(kind.name());
      }
    }
    return counts;
  }

  /**
   * The same data set under another name.
   *
   * @param newName the new name
   * @return a renamed view sharing the examples
   */
  public TextDataset withName(String newName) {
    return new TextDataset(newName, examples, labelNames, kind, skippedRows);
  }

  /**
   * The examples in a seeded random order (Fisher-Yates with {@code new Random(seed)}).
   *
   * @param seed the seed
   * @return a new data set named {@code name + "/shuffled"}
   */
  public TextDataset shuffled(long seed) {
    return select(name + "/shuffled", permutation(size(), new Random(seed)));
  }

  /**
   * The first {@code n} examples (all of them when {@code n >= size()}).
   *
   * @param n how many
   * @return a new data set
   */
  public TextDataset take(int n) {
    requireNonNegative(n);
    int count = Math.min(n, size());
    return new TextDataset(
        name + "/take" + count,
        examples.subList(0, count),
        labelNames,
        kind,
        skippedRows);
  }

  /**
   * {@code n} examples drawn without replacement, in random order (all when {@code n >= size()}).
   *
   * @param n how many
   * @param seed the seed
   * @return a new data set
   */
  public TextDataset sample(int n, long seed) {
    requireNonNegative(n);
    int count = Math.min(n, size());
    return select(
        name + "/sample" + count, Arrays.copyOf(permutation(size(), new Random(seed)), count));
  }

  /**
   * {@code n} examples drawn without replacement so that each class keeps its share (its count is
   * {@code n x} its fraction, rounded by largest remainder so the counts sum to {@code n}), in a
   * seeded random order; all examples when {@code n >= size()}. A file sorted by label thus gives
   * a sample of every class, not of the first. Regression and multi-label data sets have no
   * classes to keep: they get {@link #sample(int, long)}.
   *
   * <pre>{@code
   * TextDataset dev = imdb.validation().stratifiedSample(200, 42); // 100 negative, 100 positive
   * }</pre>
   *
   * @param n how many
   * @param seed the seed
   * @return a new data set named {@code name + "/stratified" + n}
   */
  public TextDataset stratifiedSample(int n, long seed) {
    requireNonNegative(n);
    if (kind != Kind.CLASSIFICATION || n >= size()) {
      return sample(n, seed);
    }
    Random random = new Random(seed);
    List<List<Integer>> byClass = byClass(permutation(size(), random));
    int classes = byClass.size();
    int[] quota = new int[classes];
    double[] remainder = new double[classes];
    int assigned = 0;
    for (int c = 0; c < classes; c++) {
      double exact = (double) n * byClass.get(c).size() / size();
      quota[c] = (int) Math.floor(exact);
      remainder[c] = exact - quota[c];
      assigned += quota[c];
    }
    Integer[] byRemainder = IntStream.range(0, classes).boxed().toArray(Integer[]::new);
    Arrays.sort(byRemainder, (a, b) -> Double.compare(remainder[b], remainder[a]));
    for (int i = 0; assigned < n; i++) {
      int c = byRemainder[i % classes];
      if (quota[c] < byClass.get(c).size()) {
        quota[c]++;
        assigned++;
      }
    }
    IntStream.Builder chosen = IntStream.builder();
    for (int c = 0; c < classes; c++) {
      byClass.get(c).subList(0, quota[c]).forEach(chosen::add);
    }
    return select(name + "/stratified" + n, shuffle(chosen.build().toArray(), random));
  }

  /** Example indices by class id, each list in the given order. */
  private List<List<Integer>> byClass(int[] order) {
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < labelNames.size(); c++) {
      byClass.add(new ArrayList<>());
    }
    for (int index : order) {
      byClass.get(examples.get(index).label()).add(index);
    }
    return byClass;
  }

  /**
   * Splits into train and validation after a seeded shuffle, without stratification.
   *
   * @param trainFraction the fraction for training, in (0, 1)
   * @param seed the seed
   * @return the two parts
   */
  public DatasetSplit split(double trainFraction, long seed) {
    return split(trainFraction, seed, false);
  }

  /**
   * Splits into train and validation after a seeded shuffle. Train gets
   * {@code round(size * trainFraction)} examples. With {@code stratified}, each class is split on
   * its own with that fraction (rounded per class), so both parts keep the class proportions.
   *
   * @param trainFraction the fraction for training, in (0, 1)
   * @param seed the seed
   * @param stratified whether to keep class proportions (single-label classification only)
   * @return the two parts, named {@code name + "/train"} and {@code name + "/validation"}
   */
  public DatasetSplit split(double trainFraction, long seed, boolean stratified) {
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new IllegalArgumentException(
          "trainFraction must be in (0, 1), got " + trainFraction);
    }
    if (stratified && kind != Kind.CLASSIFICATION) {
      throw new IllegalArgumentException(
          name
              + ": cannot stratify a "
              + (kind == Kind.REGRESSION ? "regression" : "multi-label")
              + " data set: use split(trainFraction, seed) without stratification");
    }
    Random random = new Random(seed);
    int[] order = permutation(size(), random);
    int[] trainIdx;
    int[] validIdx;
    if (!stratified) {
      int cut = (int) Math.round(size() * trainFraction);
      trainIdx = Arrays.copyOfRange(order, 0, cut);
      validIdx = Arrays.copyOfRange(order, cut, order.length);
    } else {
      List<List<Integer>> byClass = byClass(order);
      IntStream.Builder train = IntStream.builder();
      IntStream.Builder valid = IntStream.builder();
      for (List<Integer> members : byClass) {
        int cut = (int) Math.round(members.size() * trainFraction);
        for (int i = 0; i < members.size(); i++) {
          (i < cut ? train : valid).add(members.get(i));
        }
      }
      // Interleave the classes again: a seeded shuffle of each part.
      trainIdx = shuffle(train.build().toArray(), random);
      validIdx = shuffle(valid.build().toArray(), random);
    }
    return new DatasetSplit(select(name + "/train", trainIdx), select(name + "/validation", validIdx));
  }

  @Override
  public String toString() {
    return "TextDataset["
        + name
        + ", "
        + size()
        + " examples, "
        + switch (kind) {
          case CLASSIFICATION -> "labels " + labelNames;
          case REGRESSION -> "regression";
          case MULTI_LABEL -> "multi-label " + labelNames;
        }
        + "]";
  }

  private TextDataset select(String newName, int[] indices) {
    List<TextExample> selected = new ArrayList<>(indices.length);
    for (int index : indices) {
      selected.add(examples.get(index));
    }
    return new TextDataset(
        newName, List.copyOf(selected), labelNames, kind, skippedRows);
  }

  static int[] permutation(int n, Random random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return shuffle(order, random);
  }

  static int[] shuffle(int[] values, Random random) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }

  private static void requireNonNegative(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
  }
}
