package com.example.sentiment;

import dev.finetune.core.data.TextDataset;
import dev.finetune.core.data.TextExample;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.PretrainedEncoder;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.TrainingReport;
import dev.finetune.core.train.FineTune;
import dev.finetune.peft.Peft;
import java.util.List;

/**
 * What an application using finetune as a Maven dependency writes: LoRA fine-tuning of the
 * embedded all-MiniLM-L6-v2 (cut to its first layer, so that it runs in seconds) on a dozen
 * sentences written inline.
 *
 * <pre>{@code
 * TrainingReport report = TinySentiment.train(2);
 * System.out.println(report.table());
 * }</pre>
 */
public final class TinySentiment {

  /** The label names; a label is an index into this list. */
  public static final List<String> LABELS = List.of("negative", "positive");

  private static final List<TextExample> SENTENCES =
      List.of(
          TextExample.of("a gorgeous, witty and moving film", 1),
          TextExample.of("the best thing I have seen all year", 1),
          TextExample.of("warm, funny and beautifully acted", 1),
          TextExample.of("a delight from start to finish", 1),
          TextExample.of("smart writing and a terrific cast", 1),
          TextExample.of("I loved every minute of it", 1),
          TextExample.of("a dull, lifeless mess", 0),
          TextExample.of("the worst script in years", 0),
          TextExample.of("boring, predictable and far too long", 0),
          TextExample.of("I wanted to leave after ten minutes", 0),
          TextExample.of("flat jokes and wooden acting", 0),
          TextExample.of("a tedious waste of a good cast", 0));

  private TinySentiment() {}

  /**
   * The inline sentences as a data set.
   *
   * @return twelve labelled sentences, half of each class
   */
  public static TextDataset sentences() {
    return TextDataset.of("tiny-sentiment", SENTENCES, LABELS);
  }

  /**
   * Fine-tunes LoRA adapters (rank 4 on query and value) and the head on the sentences,
   * evaluating on the same sentences after each epoch.
   *
   * @param epochs how many passes over the sentences
   * @return the training report
   */
  public static TrainingReport train(int epochs) {
    PretrainedEncoder encoder = Encoders.loader().keepLayers(1).embeddedMiniLm();
    TextDataset data = sentences();
    try (SequenceClassifier model = encoder.forSequenceClassification(LABELS.size())) {
      return FineTune.of(model)
          .name("all-MiniLM-L6-v2, first layer")
          .peft(Peft.lora().r(4))
          .learningRate(1e-3)
          .schedule("constant")
          .epochs(epochs)
          .batchSize(4)
          .maxLength(16)
          .seed(7)
          .progressBar(false)
          .fit(data, data);
    }
  }

  /**
   * Trains for three epochs and prints the report.
   *
   * @param args none
   */
  public static void main(String[] args) {
    System.out.println(train(3).table());
  }
}
