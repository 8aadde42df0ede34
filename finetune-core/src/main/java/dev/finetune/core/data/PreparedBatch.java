package dev.finetune.core.data;

/**
 * A tokenised, padded batch as plain Java arrays (row-major {@code rows x paddedLength}), ready to
 * become NDArrays on the consumer thread. Exactly one of {@code labels} (class ids) and {@code
 * targets} is set; {@code targets} holds regression targets ({@code labelWidth = 0}) or row-major
 * multi-hot label sets ({@code rows x labelWidth}).
 */
record PreparedBatch(
    int index,
    int[] exampleIndices,
    int rows,
    int paddedLength,
    long[] inputIds,
    long[] attentionMask,
    long[] tokenTypeIds,
    long[] labels,
    float[] targets,
    int labelWidth,
    long realTokens) {}
