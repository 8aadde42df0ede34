package dev.finetune.core.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.finetune.core.optim.NoGradScope;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient checkpointing per encoder layer, built from what DJL's PyTorch engine offers (it has no
 * {@code torch.utils.checkpoint} and no custom autograd functions): the forward runs each layer
 * with recording off in a sub-manager that is closed at once, keeping only the layer's input and
 * the position of the pass's dropout-mask stream where the layer started ({@link DropoutSeeds});
 * the last layer's output becomes a leaf that requires a gradient, so the loss's backward stops
 * there. {@link #backward()} then walks the layers top-down: it re-runs a layer with recording on
 * from its kept input (made a leaf that requires a gradient) and the masks drawn again from that
 * position, back-propagates the incoming gradient through it with libtorch's
 * {@code backward(output, gradient)} (the layer's parameter gradients accumulate as in one
 * backward), and hands the input's gradient to the layer below; the embeddings' output, recorded
 * in the forward, gets the bottom gradient last. Peak memory holds the layer inputs (L × B × T × H)
 * and one layer's activations instead of every layer's.
 *
 * <pre>{@code
 * TrainingPass pass = model.trainingPass(store, inputs, true); // uses this class
 * pass.backward(collector, loss);
 * }</pre>
 */
final class LayerCheckpoints {

  private record Kept(EncoderBlock layer, NDArray input, DropoutSeeds masks) {}

  private final List<Kept> kept = new ArrayList<>();
  private ForwardContext pass;
  private NDArray additiveMask;
  private NDArray embedded;
  private NDArray top;

  /**
   * Runs the layers without keeping their activations.
   *
   * @param ctx the training pass
   * @param layers the layer applications, bottom first (a shared ALBERT layer once per use)
   * @param hidden the embeddings' output (recorded)
   * @param mask the additive attention mask, or null
   * @return the last layer's output, a leaf that requires a gradient
   */
  NDArray forward(ForwardContext ctx, List<EncoderBlock> layers, NDArray hidden, NDArray mask) {
    if (pass != null) {
      throw new IllegalStateException("layer checkpoints serve one forward pass; this one ran");
    }
    pass = ctx;
    additiveMask = mask;
    embedded = hidden;
    NDArray x = hidden.stopGradient(); // a leaf sharing the recorded output's memory
    for (EncoderBlock layer : layers) {
      kept.add(new Kept(layer, x, ctx.dropoutPosition()));
      try (NDManager sub = ctx.manager().newSubManager();
          NoGradScope ignored = NoGradScope.enter()) {
        x.tempAttach(sub);
        NDArray out = layer.forward(ctx.forLayer(sub), x, mask);
        out.attach(ctx.manager());
        x = out;
      }
    }
    x.setRequiresGradient(true);
    top = x;
    return x;
  }

  /**
   * Back-propagates from the last layer's output gradient (left there by the loss's backward)
   * down to the embeddings, recomputing each layer; call it inside the same gradient collector.
   */
  void backward() {
    if (top == null) {
      throw new IllegalStateException("backward before the forward pass");
    }
    if (!top.hasGradient()) {
      throw new IllegalStateException("the loss's backward did not reach the encoder's output;"
          + " call TrainingPass.backward with the loss computed from its logits");
    }
    NDManager outer = pass.manager();
    NDArray gradient = top.getGradient();
    gradient.attach(outer);
    for (int i = kept.size() - 1; i >= 0; i--) {
      Kept k = kept.get(i);
      NDArray below;
      try (NDManager sub = outer.newSubManager()) {
        NDArray x = k.input();
        x.tempAttach(sub);
        x.setRequiresGradient(true);
        NDArray out = k.layer().forward(pass.forLayer(sub, k.masks()), x, additiveMask);
        JniUtils.backward((PtNDArray) out, (PtNDArray) gradient, false, false);
        below = x.getGradient();
        below.attach(outer);
      }
      gradient.close();
      gradient = below;
    }
    try {
      JniUtils.backward((PtNDArray) embedded, (PtNDArray) gradient, false, false);
    } catch (EngineException e) {
      // DJL exposes no grad_fn (its requiresGrad is false for every non-leaf): an embeddings
      // output that no trainable parameter fed (LoRA, frozen embeddings) fails here, harmlessly
      if (!String.valueOf(e.getMessage()).contains("does not require grad")) {
        throw e;
      }
    } finally {
      gradient.close();
    }
  }
}
