package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files resolve root first, then cache; a missing file fails fast with where to put it. */
class DataLocationTest {

  @TempDir Path temp;

  @Test
  void rootWinsOverCache() throws IOException {
    Path root = Files.createDirectories(temp.resolve("root/sst2"));
    Path cache = Files.createDirectories(temp.resolve("cache/sst2"));
    Files.writeString(root.resolve("dev.tsv"), "sentence\tlabel\nx\t1\n");
    Files.writeString(cache.resolve("dev.tsv"), "sentence\tlabel\ny\t0\n");
    DataLocation location =
        DataLocation.defaults().withRoot(temp.resolve("root")).withCacheDir(temp.resolve("cache"));
    assertThat(location.resolve(Glue.SST2_DEV)).isEqualTo(root.resolve("dev.tsv"));
    assertThat(location.withRoot(null).resolve(Glue.SST2_DEV)).isEqualTo(cache.resolve("dev.tsv"));
  }

  @Test
  void downloadsOffFailsWithWhereToPutTheFile() {
    DataLocation location =
        DataLocation.defaults().withRoot(null).withCacheDir(temp).withDownloads(false);
    assertThatThrownBy(() -> Glue.sst2(location))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("sst2/train.tsv not found")
        .hasMessageContaining("downloads are off")
        .hasMessageContaining("Put the file at " + temp.resolve("sst2/train.tsv"))
        .hasMessageContaining("-Dfinetune.data=DIR");
  }

  @Test
  void unreachableUrlFailsFastAndLeavesNoPartialFile() throws IOException {
    // port 1 on loopback refuses at once: the offline path without touching the network
    RemoteFile file =
        Glue.SST2_DEV.withUrl(URI.create("http://127.0.0.1:1/sst2/dev.tsv"));
    DataLocation location =
        DataLocation.defaults()
            .withRoot(null)
            .withCacheDir(temp)
            .withDownloads(true)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    assertThatThrownBy(() -> location.resolve(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("downloading http://127.0.0.1:1/sst2/dev.tsv failed")
        .hasMessageContaining("Put the file at " + temp.resolve("sst2/dev.tsv"));
    try (var files = Files.walk(temp)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void checksumMismatchIsRejected() throws IOException {
    Path source = Files.writeString(temp.resolve("served.tsv"), "sentence\tlabel\nx\t1\n");
    RemoteFile file = Glue.SST2_DEV.withUrl(source.toUri()); // file: URL, same code path
    DataLocation location =
        DataLocation.defaults().withRoot(null).withCacheDir(temp.resolve("cache")).withDownloads(true);
    assertThatThrownBy(() -> location.resolve(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("checksum mismatch");
    assertThat(temp.resolve("cache/sst2/dev.tsv")).doesNotExist();
  }

  @Test
  void downloadWithMatchingChecksumIsMovedIntoTheCache() throws IOException {
    Path source = Files.writeString(temp.resolve("served.csv"), "text,label\nhello,1\n");
    String sha = java.util.HexFormat.of().formatHex(sha256(source));
    RemoteFile file = new RemoteFile("mine/data.csv", source.toUri(), sha);
    Path cache = temp.resolve("cache");
    Path resolved =
        DataLocation.defaults().withRoot(null).withCacheDir(cache).withDownloads(true).resolve(file);
    assertThat(resolved).isEqualTo(cache.resolve("mine/data.csv")).hasSameTextualContentAs(source);
    try (var files = Files.list(cache.resolve("mine"))) {
      assertThat(files).containsExactly(resolved); // no .part file left behind
    }
  }

  @Test
  void imdbCannotBeDownloadedAndSaysSo() {
    DataLocation location = DataLocation.defaults().withRoot(null).withCacheDir(temp);
    assertThatThrownBy(() -> Imdb.load(location))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("imdb/train.csv not found and it cannot be downloaded automatically");
  }

  private static byte[] sha256(Path file) throws IOException {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
