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
 * removed (attention mask 0), and rows longer than {@code maxLength} are cut by the configured
 * {@link Truncation} strategy, keeping the special tokens the tokenizer's post-processor placed
 * ({@code [CLS] A [SEP] B [SEP]}, {@code <s> A </s></s> B </s>}, ...) and its token type ids. When
 * the tokenizer itself truncates (DJL's default: longest-first at 512) and a pair reached its
 * limit, the two texts are encoded again on their own, without special tokens, so the strategy
 * sees their full token counts. A tokenizer limit below {@code maxLength} still applies.
 */
final class BatchEncoder {

  private static final String NO_TRUNCATION = "DO_NOT_TRUNCATE";

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;
  private final Truncation truncation;
  private final int tokenizerLimit;
  /** {ids, type ids} of every example of one data set, fitted beforehand; null: encode per batch. */
  private final long[][][] fitted;

  BatchEncoder(HuggingFaceTokenizer tokenizer, int maxLength, long padId, Truncation truncation) {
    this(tokenizer, maxLength, padId, truncation, null);
  }

  private BatchEncoder(HuggingFaceTokenizer tokenizer, int maxLength, long padId,
      Truncation truncation, long[][][] fitted) {
    this.fitted = fitted;
    this.tokenizer = tokenizer;
    this.padId = padId;
    this.truncation = truncation;
    boolean truncates = !NO_TRUNCATION.equals(tokenizer.getTruncation());
    this.tokenizerLimit = truncates && tokenizer.getMaxLength() > 0 ? tokenizer.getMaxLength() : -1;
    this.maxLength = tokenizerLimit > 0 ? Math.min(maxLength, tokenizerLimit) : maxLength;
  }

  /**
   * Tokenises every example of a data set now (one batched call per kind of row) and keeps the
   * fitted rows, so batches in any order are then only padded.
   *
   * @param dataset the data
   * @return an encoder that pads the kept rows of this data set
   */
  BatchEncoder fitAll(TextDataset dataset) {
    int[] all = new int[dataset.size()];
    java.util.Arrays.setAll(all, i -> i);
    return new BatchEncoder(tokenizer, maxLength, padId, truncation, rows(dataset, all));
  }

  /**
   * The token count of one example after fitting ({@link #fitAll} encoders only).
   *
   * @param index the example's position in the data set
   * @return its tokens, special tokens included, at most the max length
   */
  int tokenCount(int index) {
    return fitted[0][index].length;
  }

  PreparedBatch encode(TextDataset dataset, int batchIndex, int[] indices) {
    int rows = indices.length;
    long[][] ids;
    long[][] types;
    if (fitted != null) {
      ids = new long[rows][];
      types = new long[rows][];
      for (int r = 0; r < rows; r++) {
        ids[r] = fitted[0][indices[r]];
        types[r] = fitted[1][indices[r]];
      }
    } else {
      long[][][] fit = rows(dataset, indices);
      ids = fit[0];
      types = fit[1];
    }
    return pad(dataset, batchIndex, indices, ids, types);
  }

  /** {ids, type ids} of the given examples, each fitted to the max length. */
  private long[][][] rows(TextDataset dataset, int[] indices) {
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
      store(dataset, indices, tokenizer.batchEncode(texts), singleRows, ids, types);
    }
    if (!pairRows.isEmpty()) {
      PairList<String, String> pairs = new PairList<>(pairRows.size());
      for (int row : pairRows) {
        TextExample example = dataset.get(indices[row]);
        pairs.add(example.text(), example.textPair());
      }
      store(dataset, indices, tokenizer.batchEncode(pairs), pairRows, ids, types);
    }
    return new long[][][] {ids, types};
  }

  private PreparedBatch pad(TextDataset dataset, int batchIndex, int[] indices, long[][] ids,
      long[][] types) {
    int rows = indices.length;
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
    int labelWidth = 0;
    if (dataset.isRegression()) {
      targets = new float[rows];
      for (int r = 0; r < rows; r++) {
        targets[r] = dataset.get(indices[r]).target();
      }
    } else if (dataset.isMultiLabel()) {
      labelWidth = dataset.numLabels();
      targets = new float[rows * labelWidth];
      for (int r = 0; r < rows; r++) {
        for (int id : dataset.get(indices[r]).labels()) {
          targets[r * labelWidth + id] = 1f;
        }
      }
    } else {
      labels = new long[rows];
      for (int r = 0; r < rows; r++) {
        labels[r] = dataset.get(indices[r]).label();
      }
    }
    return new PreparedBatch(
        batchIndex,
        indices,
        rows,
        padded,
        inputIds,
        mask,
        typeIds,
        labels,
        targets,
        labelWidth,
        realTokens);
  }

  private void store(
      TextDataset dataset,
      int[] indices,
      Encoding[] encodings,
      List<Integer> rowsOf,
      long[][] ids,
      long[][] types) {
    for (int i = 0; i < encodings.length; i++) {
      int row = rowsOf.get(i);
      TextExample example = dataset.get(indices[row]);
      long[][] compact;
      try {
        compact = fit(encodings[i], example);
      } catch (IllegalArgumentException e) {
        throw new DataException(
            dataset.name() + " example " + indices[row] + ": " + e.getMessage(), null, e);
      }
      ids[row] = compact[0];
      types[row] = compact[1];
    }
  }

  /**
   * Drops padding and cuts the texts by the truncation strategy to maxLength; returns {ids,
   * typeIds}.
   */
  private long[][] fit(Encoding encoding, TextExample example) {
    long[] ids = encoding.getIds();
    long[] types = encoding.getTypeIds();
    long[] mask = encoding.getAttentionMask();
    long[] sequences = encoding.getSequenceIds();
    int real = 0;
    int specials = 0;
    int[] counts = new int[2];
    for (int i = 0; i < ids.length; i++) {
      if (mask[i] == 0) {
        continue;
      }
      real++;
      if (isText(sequences[i])) {
        counts[(int) sequences[i]]++;
      } else {
        specials++;
      }
    }
    boolean pair = example.hasPair();
    boolean cutByTokenizer = pair && tokenizerLimit > 0 && real >= tokenizerLimit;
    if (real == ids.length && real <= maxLength && !cutByTokenizer) {
      return new long[][] {ids, types};
    }
    // The full token ids of each text: from this encoding, or re-encoded when the tokenizer cut.
    long[][] texts = new long[2][];
    if (cutByTokenizer) {
      texts[0] = tokenizer.encode(example.text(), false, false).getIds();
      texts[1] = tokenizer.encode(example.textPair(), false, false).getIds();
    } else {
      for (int s = 0; s < 2; s++) {
        texts[s] = new long[counts[s]];
      }
      int[] filled = new int[2];
      for (int i = 0; i < ids.length; i++) {
        if (mask[i] != 0 && isText(sequences[i])) {
          int s = (int) sequences[i];
          texts[s][filled[s]++] = ids[i];
        }
      }
    }
    int budget = maxLength - specials;
    if (budget < 0) {
      throw new IllegalStateException(
          "maxLength " + maxLength + " is too small to hold the " + specials + " special tokens");
    }
    int[] keep = truncation.keep(texts[0].length, pair ? texts[1].length : -1, budget);
    long[] keptIds = new long[specials + keep[0] + keep[1]];
    long[] keptTypes = new long[keptIds.length];
    boolean[] emitted = new boolean[2];
    int n = 0;
    for (int i = 0; i < ids.length; i++) {
      if (mask[i] == 0) {
        continue;
      }
      if (!isText(sequences[i])) {
        keptIds[n] = ids[i];
        keptTypes[n++] = types[i];
        continue;
      }
      int s = (int) sequences[i];
      if (!emitted[s]) {
        // A text's tokens are contiguous in every post-processor template: emit its kept prefix
        // where the text starts, with the type id the template gave it.
        System.arraycopy(texts[s], 0, keptIds, n, keep[s]);
        Arrays.fill(keptTypes, n, n + keep[s], types[i]);
        n += keep[s];
        emitted[s] = true;
      }
    }
    if (n != keptIds.length) {
      throw new IllegalStateException(
          "the tokenizer's encoding of example '"
              + example.text()
              + "' has no position for one of its texts (kept "
              + Arrays.toString(keep)
              + ", placed "
              + (n - specials)
              + ")");
    }
    return new long[][] {keptIds, keptTypes};
  }

  private static boolean isText(long sequence) {
    return sequence == 0 || sequence == 1;
  }
}
