package dev.finetune.core.train;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.finetune.core.model.Precision;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.params.ModelParameter;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link ResumeAfterKillTest}: trains the toy task with a checkpoint every 3
 * steps; with a kill step it halts the JVM at once (no shutdown hooks, no finally blocks, as
 * SIGKILL does) right after that step; at the end it writes the final weights.
 *
 * <p>Arguments: tokenizer dir, checkpoint dir (or "-"), output file, kill step (or -1), and
 * optionally a precision (default fp32); with fp16 the loss of step 5 is multiplied by 1e30, so its
 * gradient overflows float16, the step is skipped and the loss scale backs off before the
 * checkpoint of step 6 (the scaler's state must then be restored for the resumed run to match).
 */
public final class ResumeChild {

  private ResumeChild() {}

  public static void main(String[] args) throws Exception {
    Path tokenizerDir = Path.of(args[0]);
    Path checkpoints = args[1].equals("-") ? null : Path.of(args[1]);
    Path output = Path.of(args[2]);
    long killStep = Long.parseLong(args[3]);
    Precision precision = args.length > 4 ? Precision.parse(args[4]) : Precision.FP32;
    AtomicLong step = new AtomicLong(-1);
    Loss crossEntropy = Losses.forProblem(ProblemType.SINGLE_LABEL_CLASSIFICATION);
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(tokenizerDir);
        SequenceClassifier model = TinySetup.model(0.1f, 23)) {
      FineTune chain =
          FineTune.of(model).tokenizer(tokenizer).learningRate(2e-3).epochs(2).batchSize(8)
              .progressBar(false)
              .callbacks(new TrainingListener() {
                @Override
                public void onStepStart(TrainingContext context) {
                  step.set(context.globalStep());
                }

                @Override
                public void onStepEnd(TrainingContext context, double loss) {
                  step.set(-1);
                  if (context.globalStep() == killStep) {
                    Runtime.getRuntime().halt(137);
                  }
                }
              });
      if (checkpoints != null) {
        chain.checkpoints(checkpoints, 3);
      }
      chain.precision(precision);
      if (precision.scalesLoss()) {
        chain.loss((logits, labels) -> {
          NDArray value = crossEntropy.compute(logits, labels);
          return step.get() == 5 ? value.mul(1e30f) : value;
        });
      }
      chain.fit(TinySetup.toyTask("toy", 80, 31), TinySetup.toyTask("dev", 16, 32));
      NDList weights = new NDList();
      for (ModelParameter p : model.parameters().all()) {
        weights.add(p.parameter().getArray());
      }
      try (OutputStream out = Files.newOutputStream(output)) {
        weights.encode(out);
      }
    }
  }
}
