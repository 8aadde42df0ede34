package dev.finetune.core.data;

/**
 * A tokenised, padded batch as plain Java arrays (row-major {@code rows x paddedLength}), ready to
 * become NDArrays on the consumer thread.
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
    long realTokens) {}
