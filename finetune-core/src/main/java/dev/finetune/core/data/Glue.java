package dev.finetune.core.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The GLUE tasks SST-2 (sentiment) and CoLA (acceptability), train and validation (dev) splits.
 *
 * <p>Files, relative to a data root or the cache (see {@link DataLocation}): {@code
 * sst2/train.tsv}, {@code sst2/dev.tsv} (TSV with header {@code sentence\tlabel}) and {@code
 * cola/train.tsv}, {@code cola/dev.tsv} (TSV without header: {@code source\tlabel\tstar\tsentence}).
 * When missing they are downloaded from pinned public copies of the GLUE files, checked by SHA-256.
 * Texts are kept byte for byte (SST-2 sentences end with a space, as in GLUE).
 *
 * <pre>{@code
 * DatasetSplit sst2 = Glue.sst2();                          // data root, cache or download
 * DatasetSplit cola = Glue.cola(Path.of("/data/glue/cola")); // explicit directory
 * }</pre>
 */
public final class Glue {

  /** SST-2 class names: 0 = negative, 1 = positive. */
  public static final List<String> SST2_LABELS = List.of("negative", "positive");

  /** CoLA class names: 0 = unacceptable, 1 = acceptable. */
  public static final List<String> COLA_LABELS = List.of("unacceptable", "acceptable");

  private static final String FEDPEPTAO =
      "https://raw.githubusercontent.com/llm-eff/FedPepTAO/84311d5e935f429fa505146c649e6c0df664944c/datasets/";
  private static final String AMRNAG =
      "https://raw.githubusercontent.com/amrnag/Specialized-Transformers/fa673a93a5c27cb1f5954ac2a8a49eec6fcba6b9/data/";

  /** SST-2 train. */
  public static final RemoteFile SST2_TRAIN =
      new RemoteFile(
          "sst2/train.tsv",
          URI.create(FEDPEPTAO + "sst-2/train.tsv"),
          "48eac26399f8456935f81dd9e3a745c1430adb6c62e233ccfe22db4a0d15d1d1");

  /** SST-2 validation (GLUE dev). */
  public static final RemoteFile SST2_DEV =
      new RemoteFile(
          "sst2/dev.tsv",
          URI.create(FEDPEPTAO + "sst-2/dev.tsv"),
          "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0");

  /** CoLA train. */
  public static final RemoteFile COLA_TRAIN =
      new RemoteFile(
          "cola/train.tsv",
          URI.create(FEDPEPTAO + "cola/train.tsv"),
          "cb368ebeb9f27d7ad03720d27ddc95687a311bdb100781a2fe59a5f5b1bc0624");

  /** CoLA validation (GLUE dev: 527 in-domain then 516 out-of-domain rows). */
  public static final RemoteFile COLA_DEV =
      new RemoteFile(
          "cola/dev.tsv",
          URI.create(AMRNAG + "CoLA/dev.tsv"),
          "8c013e21dc39957cac37378d87bebe225b694a0d5fe13eded66c2856628833fd");

  private Glue() {}

  /**
   * SST-2 from the default {@link DataLocation}.
   *
   * @return train (67,349) and validation (872)
   */
  public static DatasetSplit sst2() {
    return sst2(DataLocation.defaults());
  }

  /**
   * SST-2 from a given location.
   *
   * @param location where to look (and whether to download)
   * @return train and validation
   */
  public static DatasetSplit sst2(DataLocation location) {
    return new DatasetSplit(
        readSst2(location.resolve(SST2_TRAIN), "sst2/train"),
        readSst2(location.resolve(SST2_DEV), "sst2/validation"));
  }

  /**
   * SST-2 from a directory holding {@code train.tsv} and {@code dev.tsv}.
   *
   * @param dir the directory
   * @return train and validation
   */
  public static DatasetSplit sst2(Path dir) {
    return new DatasetSplit(
        readSst2(dir.resolve("train.tsv"), "sst2/train"),
        readSst2(dir.resolve("dev.tsv"), "sst2/validation"));
  }

  /**
   * CoLA from the default {@link DataLocation}.
   *
   * @return train (8,551) and validation (1,043)
   */
  public static DatasetSplit cola() {
    return cola(DataLocation.defaults());
  }

  /**
   * CoLA from a given location.
   *
   * @param location where to look (and whether to download)
   * @return train and validation
   */
  public static DatasetSplit cola(DataLocation location) {
    return new DatasetSplit(
        readCola(location.resolve(COLA_TRAIN), "cola/train"),
        readCola(location.resolve(COLA_DEV), "cola/validation"));
  }

  /**
   * CoLA from a directory holding {@code train.tsv} and {@code dev.tsv}.
   *
   * @param dir the directory
   * @return train and validation
   */
  public static DatasetSplit cola(Path dir) {
    return new DatasetSplit(
        readCola(dir.resolve("train.tsv"), "cola/train"),
        readCola(dir.resolve("dev.tsv"), "cola/validation"));
  }

  /**
   * Reads one SST-2 file ({@code sentence\tlabel} with header).
   *
   * @param file the file
   * @param name the data set name
   * @return the data set
   */
  public static TextDataset readSst2(Path file, String name) {
    return TextDatasetReader.tsv()
        .text("sentence")
        .label("label")
        .labelNames(SST2_LABELS)
        .name(name)
        .read(file);
  }

  /**
   * Reads one CoLA file ({@code source\tlabel\tstar\tsentence}, no header).
   *
   * @param file the file
   * @param name the data set name
   * @return the data set
   */
  public static TextDataset readCola(Path file, String name) {
    return TextDatasetReader.tsv()
        .header(false)
        .text(3)
        .label(1)
        .labelNames(COLA_LABELS)
        .name(name)
        .read(file);
  }
}
