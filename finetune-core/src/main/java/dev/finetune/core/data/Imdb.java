package dev.finetune.core.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The IMDb Large Movie Review Dataset (Maas et al. 2011): 25,000 train and 25,000 test reviews.
 *
 * <p>Files {@code imdb/train.csv} and {@code imdb/test.csv} (RFC 4180, header {@code text,label},
 * CRLF), relative to a data root or the cache (see {@link DataLocation}). They are a CSV
 * serialisation of the original {@code aclImdb} review files; there is no public URL for this
 * form, so a missing file is an error saying where to put it. Rows are sorted by label: shuffle
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
    return new DatasetSplit(
        read(location.resolve(TRAIN), "imdb/train"), read(location.resolve(TEST), "imdb/test"));
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
