package dev.finetune.core.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The GLUE tasks SST-2 (sentiment), CoLA (acceptability), MRPC (paraphrase, sentence pairs) and
 * STS-B (similarity regression, sentence pairs), train and validation (dev) splits.
 *
 * <p>Files, relative to a data root or the cache (see {@link DataLocation}):
 *
 * <ul>
 *   <li>{@code sst2/train.tsv}, {@code sst2/dev.tsv}: TSV with header {@code sentence\tlabel};
 *   <li>{@code cola/train.tsv}, {@code cola/dev.tsv}: TSV without header, {@code
 *       source\tlabel\tstar\tsentence};
 *   <li>{@code mrpc/train.tsv}, {@code mrpc/dev.tsv}: a UTF-8 BOM, then a header {@code
 *       Quality\t#1 ID\t#2 ID\t#1 String\t#2 String}; 5 columns, no quoting (texts hold bare
 *       {@code "}); label {@code Quality}, 0 = {@code not_equivalent}, 1 = {@code equivalent};
 *   <li>{@code stsb/train.tsv}, {@code stsb/dev.tsv}: header of 10 columns ending {@code
 *       sentence1\tsentence2\tscore}, no quoting; the score is a regression target in [0, 5], and
 *       a score outside that range is an error naming the file and line.
 * </ul>
 *
 * When missing they are downloaded from pinned public copies of the GLUE files, checked by SHA-256.
 * Texts are kept byte for byte (SST-2 sentences end with a space, as in GLUE).
 *
 * <pre>{@code
 * DatasetSplit sst2 = Glue.sst2();                          // data root, cache or download
 * DatasetSplit cola = Glue.cola(Path.of("/data/glue/cola")); // explicit directory
 * DatasetSplit mrpc = Glue.mrpc();                          // pairs: text + textPair
 * DatasetSplit stsb = Glue.stsb();                          // pairs, regression 0-5
 * }</pre>
 */
public final class Glue {

  /** SST-2 class names: 0 = negative, 1 = positive. */
  public static final List<String> SST2_LABELS = List.of("negative", "positive");

  /** CoLA class names: 0 = unacceptable, 1 = acceptable. */
  public static final List<String> COLA_LABELS = List.of("unacceptable", "acceptable");

  /** MRPC class names: 0 = not equivalent, 1 = equivalent (a paraphrase). */
  public static final List<String> MRPC_LABELS = List.of("not_equivalent", "equivalent");

  /** The smallest STS-B similarity score. */
  public static final double STSB_MIN_SCORE = 0;

  /** The largest STS-B similarity score. */
  public static final double STSB_MAX_SCORE = 5;

  private static final String FEDPEPTAO =
      "https://raw.githubusercontent.com/llm-eff/FedPepTAO/84311d5e935f429fa505146c649e6c0df664944c/datasets/";
  private static final String F0RESTL1N =
      "https://raw.githubusercontent.com/F0restL1n/BERT/0d0288be08079531c7b3a85af3d532f9adb0f13a/glue_data/";
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

  /** MRPC train (3,668 pairs). */
  public static final RemoteFile MRPC_TRAIN =
      new RemoteFile(
          "mrpc/train.tsv",
          URI.create(FEDPEPTAO + "mrpc/train.tsv"),
          "69abcedee3cf738c6ce58d772e43e1b7cdf5b4edee4aceda459c0d9f4e5599f3");

  /** MRPC validation (GLUE dev, 408 pairs). */
  public static final RemoteFile MRPC_DEV =
      new RemoteFile(
          "mrpc/dev.tsv",
          URI.create(FEDPEPTAO + "mrpc/dev.tsv"),
          "9e8f284788040f7c9ecde2e1b3c07237c756f926bd9ef8548ef5d34b56f69f17");

  /** STS-B train (5,749 pairs). */
  public static final RemoteFile STSB_TRAIN =
      new RemoteFile(
          "stsb/train.tsv",
          URI.create(F0RESTL1N + "STS-B/train.tsv"),
          "41c4d978b6162abdcada7e49a982211954cca5459c228db478af333124b257a2");

  /** STS-B validation (GLUE dev, 1,500 pairs). */
  public static final RemoteFile STSB_DEV =
      new RemoteFile(
          "stsb/dev.tsv",
          URI.create(F0RESTL1N + "STS-B/dev.tsv"),
          "fe7dc0632a5033562f3cadff991f6e8d9b9b6311861660e78c3c82eb7db67f59");

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

  /**
   * MRPC from the default {@link DataLocation}.
   *
   * @return train (3,668 pairs) and validation (408)
   */
  public static DatasetSplit mrpc() {
    return mrpc(DataLocation.defaults());
  }

  /**
   * MRPC from a given location.
   *
   * @param location where to look (and whether to download)
   * @return train and validation
   */
  public static DatasetSplit mrpc(DataLocation location) {
    return new DatasetSplit(
        readMrpc(location.resolve(MRPC_TRAIN), "mrpc/train"),
        readMrpc(location.resolve(MRPC_DEV), "mrpc/validation"));
  }

  /**
   * MRPC from a directory holding {@code train.tsv} and {@code dev.tsv}.
   *
   * @param dir the directory
   * @return train and validation
   */
  public static DatasetSplit mrpc(Path dir) {
    return new DatasetSplit(
        readMrpc(dir.resolve("train.tsv"), "mrpc/train"),
        readMrpc(dir.resolve("dev.tsv"), "mrpc/validation"));
  }

  /**
   * STS-B from the default {@link DataLocation}.
   *
   * @return train (5,749 pairs) and validation (1,500), regression targets in [0, 5]
   */
  public static DatasetSplit stsb() {
    return stsb(DataLocation.defaults());
  }

  /**
   * STS-B from a given location.
   *
   * @param location where to look (and whether to download)
   * @return train and validation
   */
  public static DatasetSplit stsb(DataLocation location) {
    return new DatasetSplit(
        readStsb(location.resolve(STSB_TRAIN), "stsb/train"),
        readStsb(location.resolve(STSB_DEV), "stsb/validation"));
  }

  /**
   * STS-B from a directory holding {@code train.tsv} and {@code dev.tsv}.
   *
   * @param dir the directory
   * @return train and validation
   */
  public static DatasetSplit stsb(Path dir) {
    return new DatasetSplit(
        readStsb(dir.resolve("train.tsv"), "stsb/train"),
        readStsb(dir.resolve("dev.tsv"), "stsb/validation"));
  }

  /**
   * Reads one MRPC file (BOM, header {@code Quality\t#1 ID\t#2 ID\t#1 String\t#2 String}).
   *
   * @param file the file
   * @param name the data set name
   * @return a pair classification data set with {@link #MRPC_LABELS}
   */
  public static TextDataset readMrpc(Path file, String name) {
    return TextDatasetReader.tsv()
        .text("#1 String")
        .textPair("#2 String")
        .label("Quality")
        .labelNames(MRPC_LABELS)
        .name(name)
        .read(file);
  }

  /**
   * Reads one STS-B file (header of 10 columns; {@code sentence1}, {@code sentence2}, {@code
   * score}).
   *
   * @param file the file
   * @param name the data set name
   * @return a pair regression data set, targets in [{@link #STSB_MIN_SCORE}, {@link
   *     #STSB_MAX_SCORE}]
   */
  public static TextDataset readStsb(Path file, String name) {
    return TextDatasetReader.tsv()
        .text("sentence1")
        .textPair("sentence2")
        .label("score")
        .regression(STSB_MIN_SCORE, STSB_MAX_SCORE)
        .name(name)
        .read(file);
  }
}
