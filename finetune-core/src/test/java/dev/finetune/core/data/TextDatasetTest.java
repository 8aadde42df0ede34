package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Seeded shuffles, splits and subsets are deterministic, disjoint and complete. */
class TextDatasetTest {

  /** 100 examples: 30 of class 0 then 70 of class 1. */
  private static TextDataset skewed() {
    List<TextExample> examples = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      examples.add(TextExample.of("text " + i, i < 30 ? 0 : 1));
    }
    return TextDataset.of("skewed", examples, List.of("a", "b"));
  }

  @Test
  void shuffleIsSeededAndAPermutation() {
    TextDataset data = skewed();
    assertThat(data.shuffled(1).examples()).isEqualTo(data.shuffled(1).examples());
    assertThat(data.shuffled(1).examples()).isNotEqualTo(data.shuffled(2).examples());
    assertThat(data.shuffled(1).examples()).containsExactlyInAnyOrderElementsOf(data.examples());
    assertThat(data.examples().get(0).text()).isEqualTo("text 0"); // source unchanged
  }

  @Test
  void splitIsDisjointCompleteAndSized() {
    DatasetSplit split = skewed().split(0.9, 42);
    assertThat(split.train().size()).isEqualTo(90);
    assertThat(split.validation().size()).isEqualTo(10);
    Set<TextExample> all = new HashSet<>(split.train().examples());
    all.addAll(split.validation().examples());
    assertThat(all).hasSize(100);
    assertThat(split.train().name()).isEqualTo("skewed/train");
    assertThat(skewed().split(0.3, 42).train().size()).isEqualTo(30);
  }

  @Test
  void stratifiedSplitKeepsClassProportions() {
    DatasetSplit split = skewed().split(0.3, 7, true);
    assertThat(split.train().labelCounts()).containsExactly(9, 21);
    assertThat(split.validation().labelCounts()).containsExactly(21, 49);
    assertThat(skewed().split(0.3, 7, true).train().examples())
        .isEqualTo(split.train().examples());
    // classes interleaved again, not 9 zeros then 21 ones
    assertThat(split.train().take(9).labelCounts()[0]).isLessThan(9);
  }

  @Test
  void stratifiedSampleKeepsEachClassShareOfASortedFile() {
    // skewed() is sorted by label (30 of class 0, then 70 of class 1)
    TextDataset data = skewed();
    TextDataset sample = data.stratifiedSample(10, 3);
    assertThat(sample.labelCounts()).containsExactly(3, 7);
    assertThat(sample.examples()).isEqualTo(data.stratifiedSample(10, 3).examples());
    assertThat(sample.examples()).doesNotHaveDuplicates();
    assertThat(data.stratifiedSample(10, 4).examples()).isNotEqualTo(sample.examples());
    // largest remainder: 0.3 x 5 = 1.5 and 0.7 x 5 = 3.5 -> 2 + 3 or 1 + 4, always 5
    assertThat(data.stratifiedSample(5, 3).size()).isEqualTo(5);
    assertThat(data.stratifiedSample(1, 3).size()).isEqualTo(1);
    assertThat(data.stratifiedSample(500, 3).size()).isEqualTo(100);
    assertThatThrownBy(() -> data.stratifiedSample(-1, 3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void takeAndSample() {
    TextDataset data = skewed();
    assertThat(data.take(3).examples()).containsExactlyElementsOf(data.examples().subList(0, 3));
    assertThat(data.take(1000).size()).isEqualTo(100);
    TextDataset sample = data.sample(10, 3);
    assertThat(sample.size()).isEqualTo(10);
    assertThat(new HashSet<>(sample.examples())).hasSize(10);
    assertThat(data.sample(10, 3).examples()).isEqualTo(sample.examples());
    assertThat(data.examples()).containsAll(sample.examples());
  }

  @Test
  void rejectsInconsistentLabelsAndBadFractions() {
    assertThatThrownBy(() -> TextDataset.of("x", List.of(TextExample.of("a", 2)), List.of("a", "b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 2 outside [0, 2)");
    assertThatThrownBy(() -> skewed().split(1.0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trainFraction");
    assertThatThrownBy(() -> TextExample.of("a", -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
