package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-label examples, data sets and the reader's label lists (GoEmotions-style files). */
class MultiLabelTest {

  private static final List<String> NAMES = List.of("joy", "anger", "neutral");

  @TempDir Path temp;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(temp.resolve(name), content);
  }

  @Test
  void exampleKeepsASortedDistinctImmutableLabelSet() {
    int[] ids = {2, 0, 2};
    TextExample example = TextExample.multiLabel("great, thanks", ids);
    ids[0] = 1; // the caller's array is copied in
    assertThat(example.labels()).containsExactly(0, 2);
    example.labels()[0] = 1; // and out
    assertThat(example.labels()).containsExactly(0, 2);
    assertThat(example.isMultiLabel()).isTrue();
    assertThat(example.isRegression()).isFalse();
    assertThat(example.label()).isEqualTo(TextExample.NO_LABEL);
    assertThat(example.hasLabel(2)).isTrue();
    assertThat(example.hasLabel(1)).isFalse();
    assertThat(example.labelCount()).isEqualTo(2);
    assertThat(example).isEqualTo(TextExample.multiLabel("great, thanks", 2, 0));
    assertThat(example.hashCode()).isEqualTo(TextExample.multiLabel("great, thanks", 0, 2).hashCode());
    assertThat(example).isNotEqualTo(TextExample.multiLabel("great, thanks", 0));
    assertThat(TextExample.multiLabel("nothing applies").labels()).isEmpty();
    // single-label examples are unchanged
    assertThat(TextExample.of("a", 1).labels()).isNull();
    assertThat(TextExample.of("a", 1).isMultiLabel()).isFalse();
    assertThat(TextExample.of("a", 1)).isEqualTo(new TextExample("a", null, 1, Float.NaN));
  }

  @Test
  void exampleRejectsNegativeIdsAndMixedKinds() {
    assertThatThrownBy(() -> TextExample.multiLabel("a", 0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(">= 0");
    assertThatThrownBy(() -> new TextExample("a", null, 1, Float.NaN, new int[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NO_LABEL");
    assertThatThrownBy(() -> new TextExample("a", null, TextExample.NO_LABEL, 1f, new int[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TextExample.of("a", 1).hasLabel(1))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void datasetCountsEveryLabelOfEveryExample() {
    TextDataset data = dataset(30);
    assertThat(data.isMultiLabel()).isTrue();
    assertThat(data.isRegression()).isFalse();
    assertThat(data.numLabels()).isEqualTo(3);
    assertThat(data).hasToString("TextDataset[emo, 30 examples, multi-label [joy, anger, neutral]]");
    // i % 3 == 0: {joy}, 1: {joy, anger}, 2: {neutral}
    assertThat(data.labelCounts()).containsExactly(20, 10, 10);
    // derived data sets stay multi-label
    assertThat(data.shuffled(1).isMultiLabel()).isTrue();
    assertThat(data.take(3).labelCounts()).containsExactly(2, 1, 1);
    DatasetSplit split = data.split(0.8, 5);
    assertThat(split.train().isMultiLabel()).isTrue();
    assertThat(split.train().size()).isEqualTo(24);
    assertThat(split.validation().isMultiLabel()).isTrue();
  }

  @Test
  void datasetRejectsOutOfRangeIdsSingleLabelExamplesAndStratification() {
    assertThatThrownBy(
            () ->
                TextDataset.multiLabel(
                    "x", List.of(TextExample.multiLabel("a", 0, 3)), NAMES, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 3 outside [0, 3)");
    assertThatThrownBy(
            () -> TextDataset.multiLabel("x", List.of(TextExample.of("a", 0)), NAMES, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no label set");
    assertThatThrownBy(
            () -> TextDataset.of("x", List.of(TextExample.multiLabel("a", 0)), NAMES))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dataset(10).split(0.5, 1, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot stratify a multi-label data set");
  }

  @Test
  void splitsMustAgreeOnTheKindOfTask() {
    TextDataset multi = dataset(4);
    TextDataset single =
        TextDataset.of("s", List.of(TextExample.of("a", 0)), NAMES);
    assertThatThrownBy(() -> new DatasetSplit(multi, single))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different kinds of task");
    TextDataset test = multi.take(1);
    DatasetSplit three = new DatasetSplit(multi, multi, test);
    assertThat(three.testSet()).containsSame(test);
    assertThat(new DatasetSplit(multi, multi).testSet()).isEmpty();
  }

  @Test
  void readerParsesCommaSeparatedIdsAndNames() throws IOException {
    Path file =
        write("g.tsv", "so happy\t0\tid1\nwhat \"now\"\t2,0\tid2\nugh\tanger,joy\tid3\n");
    TextDataset data =
        TextDatasetReader.tsv()
            .header(false)
            .text(0)
            .label(1)
            .multiLabel(",")
            .labelNames(NAMES)
            .read(file);
    assertThat(data.isMultiLabel()).isTrue();
    assertThat(data.examples())
        .containsExactly(
            TextExample.multiLabel("so happy", 0),
            TextExample.multiLabel("what \"now\"", 0, 2),
            TextExample.multiLabel("ugh", 0, 1));
    assertThat(data.labelCounts()).containsExactly(3, 1, 1);
  }

  @Test
  void emptyLabelListAndTooLargeIdNameFileAndLine() throws IOException {
    Path empty = write("e.tsv", "fine\t0\tid1\nno labels\t\tid2\n");
    assertThatThrownBy(() -> reader().read(empty))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(empty + " line 2")
        .hasMessageContaining("empty label list")
        .satisfies(e -> assertThat(((DataException) e).line()).isEqualTo(2));
    assertThat(reader().allowEmptyLabels(true).read(empty).get(1).labels()).isEmpty();

    Path large = write("l.tsv", "fine\t0\tid1\nok\t1\tid2\ntoo far\t1,3\tid3\n");
    assertThatThrownBy(() -> reader().read(large))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(large + " line 3")
        .hasMessageContaining("label 3")
        .hasMessageContaining("out of range: expected 0..2");
    TextDataset skipped = reader().skipBadRows(true).read(large);
    assertThat(skipped.size()).isEqualTo(2);
    assertThat(skipped.skippedRows()).isEqualTo(1);
  }

  @Test
  void multiLabelExcludesRegression() {
    assertThatThrownBy(
            () -> TextDatasetReader.tsv().text(0).label(1).header(false).regression().multiLabel(",")
                .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exclude each other");
  }

  private static TextDatasetReader.Builder reader() {
    return TextDatasetReader.tsv().header(false).text(0).label(1).multiLabel(",").labelNames(NAMES);
  }

  static TextDataset dataset(int n) {
    List<TextExample> examples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] ids = i % 3 == 0 ? new int[] {0} : i % 3 == 1 ? new int[] {0, 1} : new int[] {2};
      examples.add(TextExample.multiLabel("text " + i, ids));
    }
    return TextDataset.multiLabel("emo", examples, NAMES, 0);
  }
}
