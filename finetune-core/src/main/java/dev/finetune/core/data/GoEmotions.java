package dev.finetune.core.data;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * GoEmotions (Demszky et al. 2020), simplified release: Reddit comments, each with one or more of
 * 28 labels (27 emotions and {@code neutral}), with the authors' train/dev/test split. A
 * multi-label task: see {@link TextDataset#isMultiLabel()} and {@link TextExample#labels()}.
 *
 * <p>Files, relative to a data root or the cache (see {@link DataLocation}): {@code
 * goemotions/train.tsv}, {@code dev.tsv}, {@code test.tsv} (no header; tab-separated {@code
 * text}, comma-separated label ids such as {@code 4,27}, comment id; no quoting) and {@code
 * goemotions/emotions.txt} (one label name per line; label id = 0-based line index). When missing
 * they are downloaded from a pinned byte-identical copy of the release, checked by SHA-256.
 *
 * <p>Every row must have at least one label, and every id must be below the number of names in
 * {@code emotions.txt}; otherwise the error names the file and line.
 *
 * <pre>{@code
 * DatasetSplit emotions = GoEmotions.load();       // train, validation (dev) and test
 * TextDataset train = emotions.train();            // 43,410 comments, 28 labels
 * int[] perLabel = train.labelCounts();            // comments carrying each emotion
 * TextDataset test = emotions.testSet().orElseThrow();
 * }</pre>
 */
public final class GoEmotions {

  private static final String MONOLOGG =
      "https://raw.githubusercontent.com/monologg/GoEmotions-pytorch/b75f9d3a8b76bc1060687925b04ca98a1b8ea66b/data/original/";

  /** The training comments (43,410). */
  public static final RemoteFile TRAIN =
      new RemoteFile(
          "goemotions/train.tsv",
          URI.create(MONOLOGG + "train.tsv"),
          "1c254a142be5c00e80d819b9ae1bbd36d94b2eeb8f4b1271846508d57e57d9c5");

  /** The validation (dev) comments (5,426). */
  public static final RemoteFile DEV =
      new RemoteFile(
          "goemotions/dev.tsv",
          URI.create(MONOLOGG + "dev.tsv"),
          "575489c079c9de1097062a01738f998590d6b7ead66dd1c9fd1d2ba01fd8bc62");

  /** The test comments (5,427). */
  public static final RemoteFile TEST =
      new RemoteFile(
          "goemotions/test.tsv",
          URI.create(MONOLOGG + "test.tsv"),
          "0587b2dd8b27b97352adbfc3fb083d46005c8946657fdc2b1ca8b1cc7f1f8be4");

  /** The 28 label names, one per line (named {@code labels.txt} in the pinned copy). */
  public static final RemoteFile EMOTIONS =
      new RemoteFile(
          "goemotions/emotions.txt",
          URI.create(MONOLOGG + "labels.txt"),
          "45c3ef86782d2a4d7fedcd6d8c111aa0d0e94720689bd164fac94fefb4495a89");

  private GoEmotions() {}

  /**
   * GoEmotions from the default {@link DataLocation}.
   *
   * @return train (43,410), validation = dev (5,426) and test (5,427)
   */
  public static DatasetSplit load() {
    return load(DataLocation.defaults());
  }

  /**
   * GoEmotions from a given location.
   *
   * @param location where to look (and whether to download)
   * @return train, validation (dev) and test
   */
  public static DatasetSplit load(DataLocation location) {
    List<String> names = readLabelNames(location.resolve(EMOTIONS));
    return new DatasetSplit(
        read(location.resolve(TRAIN), "goemotions/train", names),
        read(location.resolve(DEV), "goemotions/validation", names),
        read(location.resolve(TEST), "goemotions/test", names));
  }

  /**
   * GoEmotions from a directory holding {@code train.tsv}, {@code dev.tsv}, {@code test.tsv} and
   * {@code emotions.txt}.
   *
   * @param dir the directory
   * @return train, validation (dev) and test
   */
  public static DatasetSplit load(Path dir) {
    List<String> names = readLabelNames(dir.resolve("emotions.txt"));
    return new DatasetSplit(
        read(dir.resolve("train.tsv"), "goemotions/train", names),
        read(dir.resolve("dev.tsv"), "goemotions/validation", names),
        read(dir.resolve("test.tsv"), "goemotions/test", names));
  }

  /**
   * Reads one split file ({@code text\tids\tcomment id}, no header).
   *
   * @param file the file
   * @param name the data set name
   * @param labelNames the label names, index = label id
   * @return a multi-label data set
   */
  public static TextDataset read(Path file, String name, List<String> labelNames) {
    return TextDatasetReader.tsv()
        .header(false)
        .text(0)
        .label(1)
        .multiLabel(",")
        .labelNames(labelNames)
        .name(name)
        .read(file);
  }

  /**
   * Reads the label names: one per line (label id = 0-based line index), surrounding white space
   * and trailing blank lines ignored.
   *
   * @param file {@code emotions.txt}
   * @return the names, index = label id
   * @throws DataException when the file is missing, empty, has a blank line before the last name,
   *     or names a label twice
   */
  public static List<String> readLabelNames(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new DataException("label names file not found (one emotion name per line)", file, e);
    } catch (IOException e) {
      throw new DataException("cannot read the label names: " + e, file, e);
    }
    int end = lines.size();
    while (end > 0 && lines.get(end - 1).isBlank()) {
      end--;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < end; i++) {
      String label = lines.get(i).strip();
      if (label.isEmpty()) {
        throw new DataException(
            "blank label name: the label id is the line index, so blank lines may only come last",
            file,
            i + 1,
            null);
      }
      if (names.contains(label)) {
        throw new DataException("label name '" + label + "' appears twice", file, i + 1, null);
      }
      names.add(label);
    }
    if (names.isEmpty()) {
      throw new DataException("no label names: expected one name per line", file, null);
    }
    return List.copyOf(names);
  }
}
