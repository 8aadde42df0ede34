/**
 * Optimizers with PyTorch's exact update rules (SGD, Nesterov, Adam, AdamW), per-parameter
 * learning rate and weight decay on every step, resumable state, and global-norm clipping.
 *
 * <pre>{@code
 * try (Optimizer optimizer = Optimizers.adamW().weightDecay(0.01).create(manager)) {
 *   GradientClipping.clipByGlobalNorm(gradients, 1.0);
 *   optimizer.step(updates);
 * }
 * }</pre>
 */
package dev.finetune.core.optim;
