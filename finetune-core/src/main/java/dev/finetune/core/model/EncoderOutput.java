package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;

/**
 * What the encoder computes: the last hidden state and the attention mask that goes with it
 * (longer than the input when soft tokens were prepended).
 *
 * <pre>{@code
 * EncoderOutput out = classifier.encode(inputs);
 * out.lastHiddenState().getShape();   // (B, T, H)
 * }</pre>
 *
 * @param lastHiddenState (B, T, H) float32
 * @param attentionMask (B, T) int64, 1 for real tokens
 */
public record EncoderOutput(NDArray lastHiddenState, NDArray attentionMask) {}
