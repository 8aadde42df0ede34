package dev.finetune.core.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The IMDb Large Movie Review Dataset (Maas et al. 2011): 25,000 train and 25,000 test reviews.
 *
 * <p>Files {@code imdb/train.csv} and {@code imdb/test.csv} (RFC 4180, header {@code text,label},
 * CRLF), relative to a data root or the cache (see {@link DataLocation}). They are a CSV
 * serialisation of the original {@code aclImdb} review files. When they are nowhere to be found,
 * the original {@code aclImdb_v1.tar.gz} is looked for in the same places, downloaded (checksummed)
 * when online, and converted into the cache; offline and without it, the error says where to put
 * either. Rows are sorted by label: shuffle
 * (or {@link TextDataset#split split}) before training. The returned {@link DatasetSplit}'s
 * validation part is the official test split.
 *
 * <pre>{@code
 * DatasetSplit imdb = Imdb.load();
 * DatasetSplit ninetyTen = imdb.train().split(0.9, 42, true);
 * }</pre>
 */
public final class Imdb {

  /** Class names: 0 = negative, 1 = positive. */
  public static final List<String> LABELS = List.of("negative", "positive");

  /** The train file. */
  public static final RemoteFile TRAIN = RemoteFile.localOnly("imdb/train.csv");

  /** The test file. */
  public static final RemoteFile TEST = RemoteFile.localOnly("imdb/test.csv");

  /**
   * The original Large Movie Review Dataset archive (84 MB), downloaded and converted to
   * {@code train.csv}/{@code test.csv} in the cache when those are nowhere to be found.
   */
  public static final RemoteFile ARCHIVE =
      new RemoteFile(
          "imdb/aclImdb_v1.tar.gz",
          URI.create("https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"),
          "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe");

  private Imdb() {}

  /**
   * IMDb from the default {@link DataLocation}.
   *
   * @return train (25,000) and, as validation, test (25,000)
   */
  public static DatasetSplit load() {
    return load(DataLocation.defaults());
  }

  /**
   * IMDb from a given location.
   *
   * @param location where to look
   * @return train and, as validation, test
   */
  public static DatasetSplit load(DataLocation location) {
    Path train;
    Path test;
    try {
      train = location.resolve(TRAIN);
      test = location.resolve(TEST);
    } catch (DataException csvMissing) {
      Path archive;
      try {
        archive = location.resolve(ARCHIVE);
      } catch (DataException archiveMissing) {
        throw new DataException(csvMissing.getMessage() + " Alternatively, the original archive: "
            + archiveMissing.getMessage());
      }
      Path dir = location.cacheDir().resolve("imdb");
      ImdbArchive.convert(archive, dir);
      train = dir.resolve("train.csv");
      test = dir.resolve("test.csv");
    }
    return new DatasetSplit(read(train, "imdb/train"), read(test, "imdb/test"));
  }

  /**
   * IMDb from a directory holding {@code train.csv} and {@code test.csv}.
   *
   * @param dir the directory
   * @return train and, as validation, test
   */
  public static DatasetSplit load(Path dir) {
    return new DatasetSplit(
        read(dir.resolve("train.csv"), "imdb/train"), read(dir.resolve("test.csv"), "imdb/test"));
  }

  /**
   * Reads one IMDb CSV file.
   *
   * @param file the file
   * @param name the data set name
   * @return the data set
   */
  public static TextDataset read(Path file, String name) {
    return TextDatasetReader.csv()
        .text("text")
        .label("label")
        .labelNames(LABELS)
        .name(name)
        .read(file);
  }
}
