package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.testing.SharedResources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every file in shared/data loads with exactly the row and label counts its README gives. */
class SharedDataTest {

  @Test
  void sst2HasReadmeCounts() {
    Path dir = SharedResources.require("data/sst2/train.tsv").getParent();
    DatasetSplit sst2 = Glue.sst2(dir);
    assertThat(sst2.train().size()).isEqualTo(67_349);
    assertThat(sst2.train().labelCounts()).containsExactly(29_780, 37_569);
    assertThat(sst2.validation().size()).isEqualTo(872);
    assertThat(sst2.validation().labelCounts()).containsExactly(428, 444);
    assertThat(sst2.train().labelNames()).containsExactly("negative", "positive");
    // GLUE row 0, trailing space kept byte for byte
    assertThat(sst2.train().get(0).text()).isEqualTo("hide new secretions from the parental units ");
    assertThat(sst2.train().skippedRows()).isZero();
  }

  @Test
  void colaHasReadmeCounts() {
    Path dir = SharedResources.require("data/cola/train.tsv").getParent();
    DatasetSplit cola = Glue.cola(dir);
    assertThat(cola.train().size()).isEqualTo(8_551);
    assertThat(cola.train().labelCounts()).containsExactly(2_528, 6_023);
    // no newline after the last dev row: still 1,043 rows
    assertThat(cola.validation().size()).isEqualTo(1_043);
    assertThat(cola.validation().labelCounts()).containsExactly(322, 721);
    assertThat(cola.validation().get(0).text())
        .isEqualTo("The sailors rode the breeze clear of the rocks.");
    assertThat(cola.validation().get(18).text()).isEqualTo("He could not] have been working.");
    // in-domain block = first 527 rows: 367 acceptable, 160 unacceptable
    assertThat(cola.validation().take(527).labelCounts()).containsExactly(160, 367);
  }

  @Test
  void imdbHasReadmeCountsAndKeepsControlCharacters() {
    Path dir = SharedResources.require("data/imdb/train.csv").getParent();
    DatasetSplit imdb = Imdb.load(dir);
    assertThat(imdb.train().size()).isEqualTo(25_000);
    assertThat(imdb.train().labelCounts()).containsExactly(12_500, 12_500);
    assertThat(imdb.validation().size()).isEqualTo(25_000);
    assertThat(imdb.validation().labelCounts()).containsExactly(12_500, 12_500);
    // sorted by label: neg first
    assertThat(imdb.train().get(0).label()).isZero();
    assertThat(imdb.train().get(24_999).label()).isEqualTo(1);
    // U+0085 stays inside reviews (a line-splitting reader would have broken those rows)
    long withNel = imdb.train().stream().filter(e -> e.text().indexOf('\u0085') >= 0).count();
    assertThat(withNel).isPositive();
    assertThat(imdb.train().stream().noneMatch(e -> e.text().contains("\r\n"))).isTrue();
  }

  @Test
  void dataRootFindsSharedFilesWithoutDownloading() {
    Path root = SharedResources.require("data/sst2/dev.tsv").getParent().getParent();
    DataLocation location =
        DataLocation.defaults().withRoot(root).withCacheDir(root.resolve("no-such-cache"))
            .withDownloads(false);
    assertThat(location.resolve(Glue.SST2_DEV)).isEqualTo(root.resolve("sst2/dev.tsv"));
    assertThat(Glue.cola(location).validation().size()).isEqualTo(1_043);
  }
}
