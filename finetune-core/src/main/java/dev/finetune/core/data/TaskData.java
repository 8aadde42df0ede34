package dev.finetune.core.data;

/**
 * The data of a task in the {@link Tasks} registry, of either kind: a {@link DatasetSplit} of
 * texts or a {@link dev.finetune.core.data.tokens.TokenSplit} of tagged words. What a command
 * line needs without knowing the kind: the head's size and a smaller sample.
 * {@code FineTune.fit(TaskData)} trains either.
 *
 * <pre>{@code
 * TaskData data = Tasks.find("conll2003").load(Path.of("../shared/data/conll2003"));
 * SequenceClassifier model = task.head(encoder, data).build();
 * FineTune.of(model).fit(data.sample(2000, 0, 42));
 * }</pre>
 */
public interface TaskData {

  /**
   * The head's outputs the training part needs: its classes, tags, or 1 for regression.
   *
   * @return the number of outputs
   */
  int numLabels();

  /**
   * A seeded sample of the training part (and the first examples of the validation part); the
   * test part is kept whole.
   *
   * @param trainSize training examples to keep, 0 = all
   * @param validationSize validation examples to keep, 0 = all
   * @param seed the sampling seed
   * @return the smaller data, or this when nothing is cut
   */
  TaskData sample(int trainSize, int validationSize, long seed);
}
