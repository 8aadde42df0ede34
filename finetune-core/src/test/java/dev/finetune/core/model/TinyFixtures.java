package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/** Tiny models and batches shared by tests. */
public final class TinyFixtures {

  /** Words of the tiny WordPiece vocabulary (ids 5..). */
  public static final List<String> WORDS =
      List.of("the", "a", "good", "bad", "movie", "film", "is", "was", "very", "not", "##s", ".", "!");

  private TinyFixtures() {}

  /** A tiny seeded BERT classifier with a WordPiece tokenizer. */
  public static SequenceClassifier bert(int numLabels, long seed) {
    return SequenceClassifier.randomInit(
        EncoderConfig.tiny(),
        numLabels,
        Pooling.CLS_POOLER,
        seed,
        Device.cpu(),
        WordPieceVocabulary.tokenizerJson(WORDS));
  }

  /** Two rows of length 6; the second is padded after 4 tokens. */
  public static NDList batch(NDManager m) {
    long[][] ids = {{2, 5, 7, 9, 3, 0}, {2, 6, 8, 3, 0, 0}};
    long[][] mask = {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 1, 0, 0}};
    long[][] types = {{0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}};
    return new NDList(m.create(ids), m.create(mask), m.create(types));
  }

  /** Max |a - b|. */
  public static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
