package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IMDb from the original aclImdb_v1.tar.gz layout: found, converted into the cache, read back. */
class ImdbArchiveTest {

  @TempDir Path dir;

  private static void writeArchive(Path file, Map<String, String> entries) throws IOException {
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
  }

  @Test
  void convertsTheArchiveIntoTheCacheInTheSharedFilesOrder() throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("aclImdb/README", "the original readme");
    entries.put("aclImdb/train/pos/1_9.txt", "Loved it, \"truly\".");
    entries.put("aclImdb/train/neg/10_1.txt", "Dull<br /><br />and long");
    entries.put("aclImdb/train/neg/2_3.txt", "Bad \u0085 acting");
    entries.put("aclImdb/train/pos/0_8.txt", "Great film");
    entries.put("aclImdb/test/neg/0_2.txt", "Meh");
    entries.put("aclImdb/test/pos/0_10.txt", "Wow");
    entries.put("aclImdb/train/unsup/0_0.txt", "unlabelled, skipped");
    Path root = dir.resolve("root");
    writeArchive(root.resolve("imdb/aclImdb_v1.tar.gz"), entries);
    DataLocation location = DataLocation.defaults().withRoot(root)
        .withCacheDir(dir.resolve("cache")).withDownloads(false);

    DatasetSplit imdb = Imdb.load(location);

    TextDataset train = imdb.train();
    assertThat(train.size()).isEqualTo(4);
    // neg first, by numeric id (2 before 10), then pos by id; texts unchanged
    assertThat(train.get(0).text()).isEqualTo("Bad \u0085 acting");
    assertThat(train.get(1).text()).isEqualTo("Dull<br /><br />and long");
    assertThat(train.get(2).text()).isEqualTo("Great film");
    assertThat(train.get(3).text()).isEqualTo("Loved it, \"truly\".");
    assertThat(train.labelCounts()).containsExactly(2, 2);
    assertThat(imdb.validation().size()).isEqualTo(2);
    Path csv = dir.resolve("cache/imdb/train.csv");
    assertThat(Files.readString(csv)).startsWith("text,label\r\n").contains("\"Loved it, \"\"truly\"\".\",1");
    // the second load reads the converted files
    assertThat(Imdb.load(location).train().size()).isEqualTo(4);
  }

  @Test
  void withoutCsvOrArchiveTheErrorSaysWhereToPutEither() {
    DataLocation location = DataLocation.defaults().withRoot(dir.resolve("empty"))
        .withCacheDir(dir.resolve("cache")).withDownloads(false);
    assertThatThrownBy(() -> Imdb.load(location))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("imdb/train.csv")
        .hasMessageContaining("aclImdb_v1.tar.gz");
  }

  @Test
  void anArchiveWithoutReviewsIsRejectedClearly() throws IOException {
    Path root = dir.resolve("root2");
    writeArchive(root.resolve("imdb/aclImdb_v1.tar.gz"), Map.of("something/else.txt", "x"));
    DataLocation location = DataLocation.defaults().withRoot(root)
        .withCacheDir(dir.resolve("cache2")).withDownloads(false);
    assertThatThrownBy(() -> Imdb.load(location))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("is this aclImdb_v1.tar.gz?");
  }
}
