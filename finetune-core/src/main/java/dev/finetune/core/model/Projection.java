package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.Optional;

/**
 * A linear projection y = x·Wᵀ + b of an encoder (query, key, value, attention output,
 * intermediate, output, pooler, classifier), with Hugging Face names. Its forward can be
 * {@link #wrap wrapped} (LoRA, IA3); the wrapper still reaches the base weight and bias.
 *
 * <pre>{@code
 * Projection q = classifier.encoder().layer(0).query();
 * q.name();                 // "encoder.layer.0.attention.self.query"
 * q.wrap((ctx, base, x) -> base.base(ctx, x));   // identity wrapper
 * q.unwrap();
 * }</pre>
 */
public final class Projection {

  private final String name;
  private final Parameter weight;
  private final Parameter bias;
  private final int inFeatures;
  private final int outFeatures;
  private volatile ProjectionWrapper wrapper;

  Projection(String name, Parameter weight, Parameter bias, int inFeatures, int outFeatures) {
    this.name = name;
    this.weight = weight;
    this.bias = bias;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
  }

  /**
   * Computes the projection, through the wrapper when there is one.
   *
   * @param ctx the forward pass
   * @param x (..., in)
   * @return (..., out)
   */
  public NDArray forward(ForwardContext ctx, NDArray x) {
    ProjectionWrapper w = wrapper;
    return w == null ? base(ctx, x) : w.forward(ctx, this, x);
  }

  /**
   * Computes the unwrapped projection x·Wᵀ + b (one fused kernel; in the pass's precision,
   * {@link ForwardContext#linear}).
   *
   * @param ctx the forward pass
   * @param x (..., in)
   * @return (..., out)
   */
  public NDArray base(ForwardContext ctx, NDArray x) {
    return ctx.linear(x, ctx.value(weight), bias == null ? null : ctx.value(bias));
  }

  /**
   * Installs a wrapper.
   *
   * @param newWrapper the wrapper
   * @throws IllegalStateException when the projection is already wrapped (unwrap first)
   */
  public synchronized void wrap(ProjectionWrapper newWrapper) {
    if (wrapper != null) {
      throw new IllegalStateException(name + " is already wrapped; unwrap() it first");
    }
    wrapper = java.util.Objects.requireNonNull(newWrapper, "wrapper");
  }

  /**
   * Removes the wrapper.
   *
   * @return the removed wrapper, if any
   */
  public synchronized Optional<ProjectionWrapper> unwrap() {
    ProjectionWrapper old = wrapper;
    wrapper = null;
    return Optional.ofNullable(old);
  }

  /**
   * The current wrapper.
   *
   * @return the wrapper, if any
   */
  public Optional<ProjectionWrapper> wrapper() {
    return Optional.ofNullable(wrapper);
  }

  /**
   * The Hugging Face module name; parameters are {@code name + ".weight"} and {@code ".bias"}.
   *
   * @return e.g. {@code encoder.layer.0.attention.self.query}
   */
  public String name() {
    return name;
  }

  /**
   * The weight, shape (out, in).
   *
   * @return the parameter
   */
  public Parameter weight() {
    return weight;
  }

  /**
   * The bias, shape (out).
   *
   * @return the parameter, if the projection has one
   */
  public Optional<Parameter> bias() {
    return Optional.ofNullable(bias);
  }

  /**
   * Input width.
   *
   * @return in
   */
  public int inFeatures() {
    return inFeatures;
  }

  /**
   * Output width.
   *
   * @return out
   */
  public int outFeatures() {
    return outFeatures;
  }
}
