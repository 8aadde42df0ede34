package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.testing.SharedResources;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** MRPC, STS-B, TREC and GoEmotions in shared/data load with the counts of its README. */
class TaskSharedDataTest {

  @Test
  void mrpcHasReadmeCounts() {
    DatasetSplit mrpc = Glue.mrpc(SharedResources.require("data/mrpc/train.tsv").getParent());
    assertThat(mrpc.train().size()).isEqualTo(3_668);
    assertThat(mrpc.train().labelCounts()).containsExactly(1_194, 2_474);
    assertThat(mrpc.validation().size()).isEqualTo(408);
    assertThat(mrpc.validation().labelCounts()).containsExactly(129, 279);
    assertThat(mrpc.train().stream().allMatch(TextExample::hasPair)).isTrue();
    assertThat(mrpc.train().get(0).text())
        .startsWith("Amrozi accused his brother , whom he called \" the witness \" ,");
  }

  @Test
  void stsbHasReadmeCountsAndRange() {
    DatasetSplit stsb = Glue.stsb(SharedResources.require("data/stsb/train.tsv").getParent());
    assertThat(stsb.train().size()).isEqualTo(5_749);
    assertThat(stsb.validation().size()).isEqualTo(1_500);
    assertThat(stsb.train().isRegression()).isTrue();
    double[] scores = stsb.train().stream().mapToDouble(TextExample::target).toArray();
    assertThat(Arrays.stream(scores).min().orElseThrow()).isZero();
    assertThat(Arrays.stream(scores).max().orElseThrow()).isEqualTo(5.0);
    // 205 distinct score strings ("0", "0.00", "0.000", ...) are 140 distinct numbers
    assertThat(stsb.train().stream().mapToDouble(TextExample::target).distinct().count())
        .isEqualTo(140);
    assertThat(stsb.train().get(0))
        .isEqualTo(TextExample.regression("A plane is taking off.", "An air plane is taking off.", 5f));
    // 252 train rows hold a bare quote: none was swallowed by quote handling
    assertThat(stsb.train().stream().filter(e -> (e.text() + e.textPair()).contains("\"")).count())
        .isEqualTo(252);
  }

  @Test
  void trecHasReadmeCounts() {
    Path dir = SharedResources.require("data/trec/train_5500.label").getParent();
    DatasetSplit coarse = Trec.coarse(dir);
    assertThat(coarse.train().size()).isEqualTo(5_452);
    assertThat(coarse.validation().size()).isEqualTo(500);
    assertThat(coarse.train().numLabels()).isEqualTo(6);
    assertThat(coarse.train().labelCounts()).containsExactly(86, 1_162, 1_250, 1_223, 835, 896);
    assertThat(coarse.validation().labelCounts()).containsExactly(9, 138, 94, 65, 81, 113);
    // line 66: the raw 0xF0 byte decodes as ISO-8859-1
    assertThat(coarse.train().get(65).text()).contains("sister\u00f0city");
    DatasetSplit fine = Trec.fine(dir);
    assertThat(fine.train().numLabels()).isEqualTo(50);
    assertThat(Arrays.stream(fine.train().labelCounts()).filter(c -> c > 0).count()).isEqualTo(50);
    assertThat(Arrays.stream(fine.validation().labelCounts()).filter(c -> c > 0).count())
        .isEqualTo(42);
  }

  @Test
  void goEmotionsHasReadmeCounts() {
    DatasetSplit data =
        GoEmotions.load(SharedResources.require("data/goemotions/train.tsv").getParent());
    TextDataset train = data.train();
    assertThat(train.size()).isEqualTo(43_410);
    assertThat(data.validation().size()).isEqualTo(5_426);
    assertThat(data.test().size()).isEqualTo(5_427);
    assertThat(train.isMultiLabel()).isTrue();
    assertThat(train.numLabels()).isEqualTo(28);
    assertThat(train.labelNames().get(0)).isEqualTo("admiration");
    assertThat(train.labelNames().get(27)).isEqualTo("neutral");
    assertThat(train.labelCounts()[27]).isEqualTo(14_219);
    assertThat(train.labelCounts()[16]).isEqualTo(77); // grief, the rarest
    assertThat(data.validation().labelCounts()[27]).isEqualTo(1_766);
    assertThat(data.test().labelCounts()[27]).isEqualTo(1_787);
    int[] perRow = new int[6];
    train.forEach(e -> perRow[e.labelCount()]++);
    assertThat(perRow).containsExactly(0, 36_308, 6_541, 532, 28, 1);
  }
}
