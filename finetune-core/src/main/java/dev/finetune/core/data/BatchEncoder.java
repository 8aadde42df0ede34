package dev.finetune.core.data;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenises one batch with {@link HuggingFaceTokenizer#batchEncode} and pads it to its longest row.
 *
 * <p>Independent of the tokenizer's own padding and truncation: padding it may have added is
 * removed (attention mask 0), and rows longer than {@code maxLength} are cut longest-first by
 * sequence, keeping the special tokens ({@code [CLS] ... [SEP]}).
 */
final class BatchEncoder {

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;

  BatchEncoder(HuggingFaceTokenizer tokenizer, int maxLength, long padId) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.padId = padId;
  }

  PreparedBatch encode(TextDataset dataset, int batchIndex, int[] indices) {
    int rows = indices.length;
    long[][] ids = new long[rows][];
    long[][] types = new long[rows][];
    List<Integer> singleRows = new ArrayList<>();
    List<Integer> pairRows = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      (dataset.get(indices[r]).hasPair() ? pairRows : singleRows).add(r);
    }
    if (!singleRows.isEmpty()) {
      String[] texts = new String[singleRows.size()];
      for (int i = 0; i < texts.length; i++) {
        texts[i] = dataset.get(indices[singleRows.get(i)]).text();
      }
      store(tokenizer.batchEncode(texts), singleRows, ids, types);
    }
    if (!pairRows.isEmpty()) {
      PairList<String, String> pairs = new PairList<>(pairRows.size());
      for (int row : pairRows) {
        TextExample example = dataset.get(indices[row]);
        pairs.add(example.text(), example.textPair());
      }
      store(tokenizer.batchEncode(pairs), pairRows, ids, types);
    }
    int padded = 0;
    long realTokens = 0;
    for (long[] row : ids) {
      padded = Math.max(padded, row.length);
      realTokens += row.length;
    }
    long[] inputIds = new long[rows * padded];
    long[] mask = new long[rows * padded];
    long[] typeIds = new long[rows * padded];
    Arrays.fill(inputIds, padId);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(ids[r], 0, inputIds, r * padded, ids[r].length);
      System.arraycopy(types[r], 0, typeIds, r * padded, types[r].length);
      Arrays.fill(mask, r * padded, r * padded + ids[r].length, 1L);
    }
    long[] labels = null;
    float[] targets = null;
    if (dataset.isRegression()) {
      targets = new float[rows];
      for (int r = 0; r < rows; r++) {
        targets[r] = dataset.get(indices[r]).target();
      }
    } else {
      labels = new long[rows];
      for (int r = 0; r < rows; r++) {
        labels[r] = dataset.get(indices[r]).label();
      }
    }
    return new PreparedBatch(
        batchIndex, indices, rows, padded, inputIds, mask, typeIds, labels, targets, realTokens);
  }

  private void store(Encoding[] encodings, List<Integer> rowsOf, long[][] ids, long[][] types) {
    for (int i = 0; i < encodings.length; i++) {
      int row = rowsOf.get(i);
      long[][] compact = fit(encodings[i]);
      ids[row] = compact[0];
      types[row] = compact[1];
    }
  }

  /** Drops padding and truncates longest-first to maxLength; returns {ids, typeIds}. */
  private long[][] fit(Encoding encoding) {
    long[] ids = encoding.getIds();
    long[] types = encoding.getTypeIds();
    long[] mask = encoding.getAttentionMask();
    long[] sequences = encoding.getSequenceIds();
    int real = 0;
    for (long m : mask) {
      real += m != 0 ? 1 : 0;
    }
    if (real == ids.length && ids.length <= maxLength) {
      return new long[][] {ids, types};
    }
    int[] perSequence = new int[2];
    int specials = 0;
    for (int i = 0; i < ids.length; i++) {
      if (mask[i] == 0) {
        continue;
      }
      if (sequences[i] < 0 || sequences[i] > 1) {
        specials++;
      } else {
        perSequence[(int) sequences[i]]++;
      }
    }
    int excess = Math.max(0, specials + perSequence[0] + perSequence[1] - maxLength);
    while (excess > 0) {
      int longer = perSequence[0] > perSequence[1] ? 0 : 1;
      if (perSequence[longer] == 0) {
        throw new IllegalStateException(
            "maxLength " + maxLength + " is too small to hold the " + specials + " special tokens");
      }
      perSequence[longer]--;
      excess--;
    }
    long[] keptIds = new long[specials + perSequence[0] + perSequence[1]];
    long[] keptTypes = new long[keptIds.length];
    int[] seen = new int[2];
    int n = 0;
    for (int i = 0; i < ids.length; i++) {
      if (mask[i] == 0) {
        continue;
      }
      long sequence = sequences[i];
      if (sequence == 0 || sequence == 1) {
        if (seen[(int) sequence]++ >= perSequence[(int) sequence]) {
          continue;
        }
      }
      keptIds[n] = ids[i];
      keptTypes[n] = types[i];
      n++;
    }
    return new long[][] {keptIds, keptTypes};
  }
}
