package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.BaseNDManager;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.report.MemoryProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 600 training steps on a tiny encoder: the number of live NDArrays stays constant from step to
 * step and native memory (resident set minus the committed Java heap) shows no growth trend after
 * warm-up.
 */
class LongRunMemoryTest {

  @TempDir Path dir;

  @Test
  void sixHundredStepsDoNotGrowNativeMemoryOrLiveArrays() {
    List<Integer> liveArrays = new ArrayList<>();
    List<Long> rss = new ArrayList<>();
    try (HuggingFaceTokenizer tokenizer = TinySetup.tokenizer(dir);
        SequenceClassifier model = TinySetup.model(0.1f, 3)) {
      TrainingListener probe = new TrainingListener() {
        @Override
        public void onStepEnd(TrainingContext context, double loss) {
          liveArrays.add(((BaseNDManager) model.manager()).getManagedArrays().size());
          if (context.globalStep() % 50 == 0) {
            // native memory: resident set minus the committed Java heap (which grows by itself)
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            rss.add(MemoryProbe.residentBytes().orElse(0L) - runtime.totalMemory());
          }
        }
      };
      // 200 examples / batch 4 = 50 steps per epoch, 12 epochs = 600 steps, 12 evaluations
      FineTune.of(model).tokenizer(tokenizer).learningRate(1e-3).epochs(12).batchSize(4)
          .progressBar(false).callbacks(probe)
          .fit(TinySetup.toyTask("toy", 200, 5), TinySetup.toyTask("dev", 40, 6));
    }
    assertThat(liveArrays).hasSize(600);
    // After the first step (optimizer state created lazily) the count never changes.
    int steady = liveArrays.get(1);
    assertThat(liveArrays.subList(1, liveArrays.size())).allMatch(n -> n == steady);
    // RSS: compare the mean of the last third with the middle third (after warm-up);
    // a leak of even one small tensor per step would add several MB over 200 steps.
    System.out.println("native memory (RSS - heap) every 50 steps, MiB: "
        + rss.stream().map(b -> b / (1 << 20)).toList());
    if (MemoryProbe.residentBytes().isPresent()) {
      int third = rss.size() / 3;
      double middle = rss.subList(third, 2 * third).stream().mapToLong(Long::longValue).average().orElseThrow();
      double last = rss.subList(2 * third, rss.size()).stream().mapToLong(Long::longValue).average().orElseThrow();
      assertThat(last - middle).as("native growth in bytes, middle %s last %s", middle, last)
          .isLessThan(8L * 1024 * 1024);
    }
  }
}
