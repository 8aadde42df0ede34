package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Optional;

/**
 * The task head on top of an {@link Encoder}: pooling, dropout and a linear classifier, laid out
 * and named as the family's {@link HeadLayout} says (BERT {@code pooler.dense.*} and
 * {@code classifier.*}; RoBERTa {@code classifier.dense.*} and {@code classifier.out_proj.*}).
 * With {@link Pooling#NONE} it is Hugging Face's token-classification head: dropout on every
 * hidden state, then {@code classifier.*} per token, logits (B, T, numLabels).
 *
 * <pre>{@code
 * ClassificationHead head = classifier.head();
 * head.pooling();        // CLS_POOLER or MEAN
 * head.classifier();     // the output projection (hidden -> numLabels)
 * }</pre>
 */
public final class ClassificationHead {

  private final Pooling pooling;
  private final boolean dropoutBeforePooler;
  private final HeadLayout.Activation poolerActivation;
  private final Projection pooler;
  private final Projection classifier;
  private final float dropout;
  private final int numLabels;

  ClassificationHead(
      EncoderConfig config, Pooling pooling, int numLabels, ParameterFactory factory, boolean fresh) {
    if (pooling == Pooling.AUTO) {
      throw new IllegalArgumentException("resolve Pooling.AUTO before building the head");
    }
    this.pooling = pooling;
    HeadLayout layout = config.modelType().headLayout();
    this.dropoutBeforePooler = layout.dropoutBeforePooler();
    this.poolerActivation = layout.poolerActivation();
    this.numLabels = numLabels;
    this.dropout = config.classifierDropout();
    int h = config.hiddenSize();
    pooler =
        pooling == Pooling.CLS_POOLER
            ? projection(factory, layout.poolerName(), h, h, false)
            : null;
    classifier = projection(factory, layout.outputName(pooling), h, numLabels, fresh);
  }

  private static Projection projection(
      ParameterFactory factory, String name, int in, int out, boolean fresh) {
    if (!fresh) {
      return EncoderLayer.projection(factory, name, in, out);
    }
    return new Projection(
        name,
        factory.createFresh(name + ".weight", out, in),
        factory.createFresh(name + ".bias", out),
        in,
        out);
  }

  NDArray forward(ForwardContext ctx, EncoderOutput encoded) {
    NDArray hidden = encoded.lastHiddenState();
    NDArray pooled;
    if (pooling == Pooling.NONE) {
      return classifier.forward(ctx, ctx.dropout(hidden, dropout));
    }
    if (pooling == Pooling.MEAN) {
      NDArray mask = encoded.attentionMask().toType(DataType.FLOAT32, false).expandDims(2);
      NDArray summed = hidden.mul(mask).sum(new int[] {1});
      NDArray counts = mask.sum(new int[] {1}).clip(1e-9f, Float.MAX_VALUE);
      pooled = ctx.dropout(summed.div(counts), dropout);
    } else {
      NDArray first = hidden.get(new NDIndex(":, 0, :"));
      NDArray in = dropoutBeforePooler ? ctx.dropout(first, dropout) : first;
      NDArray dense = pooler.forward(ctx, in);
      NDArray activated = poolerActivation.apply(dense);
      pooled = ctx.dropout(activated, dropout);
    }
    return classifier.forward(ctx, pooled);
  }

  /**
   * The pooling.
   *
   * @return CLS_POOLER, MEAN, or NONE for a token-classification head
   */
  public Pooling pooling() {
    return pooling;
  }

  /**
   * The pooler dense layer ({@link HeadLayout#poolerName()}: BERT {@code pooler.dense}, RoBERTa
   * {@code classifier.dense}).
   *
   * @return the projection; empty for mean pooling and token heads
   */
  public Optional<Projection> pooler() {
    return Optional.ofNullable(pooler);
  }

  /**
   * The output projection to the labels ({@link HeadLayout#outputName(Pooling)}:
   * {@code classifier}, RoBERTa's CLS head {@code classifier.out_proj}).
   *
   * @return the projection
   */
  public Projection classifier() {
    return classifier;
  }

  /**
   * Number of outputs.
   *
   * @return labels (1 for regression)
   */
  public int numLabels() {
    return numLabels;
  }
}
