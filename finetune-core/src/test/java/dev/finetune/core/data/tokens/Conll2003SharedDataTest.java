package dev.finetune.core.data.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.data.DataException;
import dev.finetune.testing.SharedResources;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CoNLL-2003 in shared/data reads with the counts of its SOURCE.md and the CoNLL-2003 paper. */
class Conll2003SharedDataTest {

  @Test
  void countsMatchSourceAndPaper() {
    Path dir = SharedResources.require("data/conll2003/train.txt").getParent();
    TokenSplit conll = Conll2003.load(dir);
    TokenDataset train = conll.train();
    TokenDataset dev = conll.validation();
    TokenDataset test = conll.testSet().orElseThrow();
    assertThat(train.size()).isEqualTo(14_041);
    assertThat(dev.size()).isEqualTo(3_250);
    assertThat(test.size()).isEqualTo(3_453);
    assertThat(train.wordCount()).isEqualTo(203_621);
    assertThat(dev.wordCount()).isEqualTo(51_362);
    assertThat(test.wordCount()).isEqualTo(46_435);
    assertThat(train.joinDocuments().size()).isEqualTo(946);
    assertThat(dev.joinDocuments().size()).isEqualTo(216);
    assertThat(test.joinDocuments().size()).isEqualTo(231);
    assertThat(train.skipped()).isEmpty();
    assertThat(train.entityCounts())
        .isEqualTo(Map.of("LOC", 7_140, "MISC", 3_438, "ORG", 6_321, "PER", 6_600));
    assertThat(dev.entityCounts())
        .isEqualTo(Map.of("LOC", 1_837, "MISC", 922, "ORG", 1_341, "PER", 1_842));
    assertThat(test.entityCounts())
        .isEqualTo(Map.of("LOC", 1_668, "MISC", 702, "ORG", 1_661, "PER", 1_617));
    // IOB2 inside: one B- per entity, O count unchanged
    int[] devTags = dev.tagCounts();
    assertThat(devTags[0]).isEqualTo(42_759);
    assertThat(devTags[Conll2003.TAGS.id("B-PER")]).isEqualTo(1_842);
    assertThat(dev.get(0).words()).containsExactly("CRICKET", "-", "LEICESTERSHIRE", "TAKE", "OVER",
        "AT", "TOP", "AFTER", "INNINGS", "VICTORY", ".");
  }

  @Test
  void strictIob1FindsTheUpstreamQuirk() {
    Path train = SharedResources.require("data/conll2003/train.txt");
    assertThatThrownBy(
            () ->
                TokenReader.conll()
                    .scheme(TagScheme.IOB1)
                    .strict(true)
                    .tagSet(Conll2003.TAGS)
                    .read(train))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("line 152428: tag B-MISC after O");
  }
}
