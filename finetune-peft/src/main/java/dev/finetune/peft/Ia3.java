package dev.finetune.peft;

import ai.djl.nn.Parameter;
import dev.finetune.core.model.EncoderLayer;
import dev.finetune.core.model.Projection;
import dev.finetune.core.model.ProjectionWrapper;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.ModelTransform;

/**
 * IA3 (Liu et al. 2022): learned vectors that rescale the key and value outputs and the input of
 * the FFN output projection, initialised to ones (identity). Parameters are named and shaped as
 * PEFT does: {@code ...attention.self.key.ia3_l} (H, 1) and {@code ...output.dense.ia3_l}
 * (1, FFN). The base is frozen, the head trains.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.ia3()).fit(train, dev);
 * }</pre>
 */
public final class Ia3 implements ModelTransform {

  private final boolean trainHead;

  private Ia3(boolean trainHead) {
    this.trainHead = trainHead;
  }

  /**
   * IA3 on key, value and the FFN output, head trainable.
   *
   * @return the configuration
   */
  public static Ia3 defaults() {
    return new Ia3(true);
  }

  /**
   * Chooses whether the head trains.
   *
   * @param value false to freeze the head
   * @return a copy
   */
  public Ia3 trainHead(boolean value) {
    return new Ia3(value);
  }

  @Override
  public void apply(SequenceClassifier model) {
    for (EncoderLayer layer : model.encoder().layers()) {
      checkFree(layer.key());
      checkFree(layer.value());
      checkFree(layer.output());
    }
    for (EncoderLayer layer : model.encoder().layers()) {
      scaleOutput(model, layer.key());
      scaleOutput(model, layer.value());
      scaleInput(model, layer.output());
    }
    PeftParameters.freezeBaseOnce(model);
    PeftParameters.head(model, trainHead);
  }

  private static void scaleOutput(SequenceClassifier model, Projection p) {
    int out = p.outFeatures();
    Parameter l = PeftParameters.add(model, p.name() + ".ia3_l", PeftParameters.constant(out, 1f), out, 1);
    wrap(p, (ctx, base, x) -> base.base(ctx, x).mul(ctx.temporary(ctx.value(l).reshape(out))));
  }

  private static void scaleInput(SequenceClassifier model, Projection p) {
    int in = p.inFeatures();
    Parameter l = PeftParameters.add(model, p.name() + ".ia3_l", PeftParameters.constant(in, 1f), 1, in);
    wrap(p, (ctx, base, x) -> base.base(ctx, x.mul(ctx.temporary(ctx.value(l).reshape(in)))));
  }

  private static void wrap(Projection p, ProjectionWrapper w) {
    checkFree(p);
    p.wrap(w);
  }

  private static void checkFree(Projection p) {
    if (p.wrapper().isPresent()) {
      throw new IllegalStateException("cannot add IA3 to " + p.name() + ": it is already wrapped by "
          + p.wrapper().get().getClass().getSimpleName()
          + " (e.g. LoRA); IA3 and LoRA cannot share a projection");
    }
  }

  @Override
  public String describe() {
    return "ia3(key,value,output.dense)";
  }
}
