package dev.finetune.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The TREC question classification data of Li and Roth (2002): 5,452 training and 500 test
 * questions, each with a coarse class (6) and a fine class (50).
 *
 * <p>Files, relative to a data root or the cache (see {@link DataLocation}): {@code
 * trec/train_5500.label} and {@code trec/TREC_10.label}, one question per line as {@code
 * COARSE:fine question text} (label and text separated by the first space), read as ISO-8859-1
 * (the training file holds one raw {@code 0xF0} byte, which is not UTF-8). When missing they are
 * downloaded from the original cogcomp URLs, checked by SHA-256.
 *
 * <p>There is no separate validation set: the {@link DatasetSplit#validation() validation} part is
 * the TREC-10 <b>test</b> file, as is usual for this data set. Hold out part of train (e.g. {@code
 * split(0.9, seed, true)}) when tuning.
 *
 * <p>Label order is fixed, independent of the files: coarse labels sorted alphabetically ({@link
 * #COARSE_LABELS}), fine labels named {@code COARSE:fine} sorted alphabetically ({@link
 * #FINE_LABELS}, all 50 classes, so the test file's 42 classes are always covered). A label outside
 * these lists is an error naming the file and line.
 *
 * <pre>{@code
 * DatasetSplit coarse = Trec.coarse();                  // 6 classes, validation = TREC-10 test
 * DatasetSplit fine = Trec.fine(Path.of("/data/trec")); // 50 classes "ABBR:abb" ... "NUM:weight"
 * }</pre>
 */
public final class Trec {

  /** The 6 coarse classes, sorted: class id = index. */
  public static final List<String> COARSE_LABELS =
      List.of("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM");

  /** The 50 fine classes as {@code COARSE:fine}, sorted: class id = index. */
  public static final List<String> FINE_LABELS =
      List.of(
          "ABBR:abb", "ABBR:exp",
          "DESC:def", "DESC:desc", "DESC:manner", "DESC:reason",
          "ENTY:animal", "ENTY:body", "ENTY:color", "ENTY:cremat", "ENTY:currency",
          "ENTY:dismed", "ENTY:event", "ENTY:food", "ENTY:instru", "ENTY:lang", "ENTY:letter",
          "ENTY:other", "ENTY:plant", "ENTY:product", "ENTY:religion", "ENTY:sport",
          "ENTY:substance", "ENTY:symbol", "ENTY:techmeth", "ENTY:termeq", "ENTY:veh",
          "ENTY:word",
          "HUM:desc", "HUM:gr", "HUM:ind", "HUM:title",
          "LOC:city", "LOC:country", "LOC:mount", "LOC:other", "LOC:state",
          "NUM:code", "NUM:count", "NUM:date", "NUM:dist", "NUM:money", "NUM:ord", "NUM:other",
          "NUM:perc", "NUM:period", "NUM:speed", "NUM:temp", "NUM:volsize", "NUM:weight");

  private static final String COGCOMP = "https://cogcomp.seas.upenn.edu/Data/QA/QC/";

  /** The training questions (5,452). */
  public static final RemoteFile TRAIN =
      new RemoteFile(
          "trec/train_5500.label",
          URI.create(COGCOMP + "train_5500.label"),
          "9e4c8bdcaffb96ed61041bd64b564183d52793a8e91d84fc3a8646885f466ec3");

  /** The TREC-10 test questions (500). */
  public static final RemoteFile TEST =
      new RemoteFile(
          "trec/TREC_10.label",
          URI.create(COGCOMP + "TREC_10.label"),
          "033f22c028c2bbba9ca682f68ffe204dc1aa6e1cf35dd6207f2d4ca67f0d0e8e");

  /** Which label of {@code COARSE:fine} a data set uses. */
  public enum Granularity {
    /** The 6 classes before the colon. */
    COARSE(COARSE_LABELS),
    /** The 50 {@code COARSE:fine} classes. */
    FINE(FINE_LABELS);

    private final List<String> labels;

    Granularity(List<String> labels) {
      this.labels = labels;
    }

    /**
     * The class names, index = class id.
     *
     * @return {@link #COARSE_LABELS} or {@link #FINE_LABELS}
     */
    public List<String> labels() {
      return labels;
    }
  }

  private Trec() {}

  /**
   * Coarse TREC (6 classes) from the default {@link DataLocation}.
   *
   * @return train (5,452) and validation = the TREC-10 test file (500)
   */
  public static DatasetSplit coarse() {
    return load(DataLocation.defaults(), Granularity.COARSE);
  }

  /**
   * Coarse TREC from a directory holding {@code train_5500.label} and {@code TREC_10.label}.
   *
   * @param dir the directory
   * @return train and validation (= test)
   */
  public static DatasetSplit coarse(Path dir) {
    return load(dir, Granularity.COARSE);
  }

  /**
   * Fine TREC (50 classes) from the default {@link DataLocation}.
   *
   * @return train (5,452) and validation = the TREC-10 test file (500)
   */
  public static DatasetSplit fine() {
    return load(DataLocation.defaults(), Granularity.FINE);
  }

  /**
   * Fine TREC from a directory holding {@code train_5500.label} and {@code TREC_10.label}.
   *
   * @param dir the directory
   * @return train and validation (= test)
   */
  public static DatasetSplit fine(Path dir) {
    return load(dir, Granularity.FINE);
  }

  /**
   * TREC from a given location.
   *
   * @param location where to look (and whether to download)
   * @param granularity coarse or fine labels
   * @return train and validation (= test)
   */
  public static DatasetSplit load(DataLocation location, Granularity granularity) {
    return new DatasetSplit(
        read(location.resolve(TRAIN), "trec-" + suffix(granularity) + "/train", granularity),
        read(location.resolve(TEST), "trec-" + suffix(granularity) + "/test", granularity));
  }

  /**
   * TREC from a directory holding {@code train_5500.label} and {@code TREC_10.label}.
   *
   * @param dir the directory
   * @param granularity coarse or fine labels
   * @return train and validation (= test)
   */
  public static DatasetSplit load(Path dir, Granularity granularity) {
    return new DatasetSplit(
        read(dir.resolve("train_5500.label"), "trec-" + suffix(granularity) + "/train", granularity),
        read(dir.resolve("TREC_10.label"), "trec-" + suffix(granularity) + "/test", granularity));
  }

  /**
   * Reads one {@code .label} file ({@code COARSE:fine text} per line, ISO-8859-1).
   *
   * @param file the file
   * @param name the data set name
   * @param granularity coarse or fine labels
   * @return the data set, class names {@code granularity.labels()}
   * @throws DataException when the file is missing or a line has no label, no text, or a label
   *     outside the fixed list
   */
  public static TextDataset read(Path file, String name, Granularity granularity) {
    List<TextExample> examples = new ArrayList<>();
    List<String> names = granularity.labels();
    long line = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      String text;
      while ((text = reader.readLine()) != null) {
        line++;
        if (text.isEmpty()) {
          continue;
        }
        int space = text.indexOf(' ');
        int colon = text.indexOf(':');
        if (space < 0 || colon < 1 || colon > space || colon == space - 1) {
          throw new DataException(
              "expected 'COARSE:fine question text', got '" + abbreviate(text) + "'",
              file,
              line,
              null);
        }
        String question = text.substring(space + 1);
        if (question.isBlank()) {
          throw new DataException("empty question after the label", file, line, null);
        }
        String label =
            granularity == Granularity.COARSE ? text.substring(0, colon) : text.substring(0, space);
        int id = names.indexOf(label);
        if (id < 0) {
          throw new DataException(
              "unknown "
                  + granularity.name().toLowerCase(Locale.ROOT)
                  + " label '"
                  + label
                  + "': expected one of "
                  + names,
              file,
              line,
              null);
        }
        examples.add(TextExample.of(question, id));
      }
    } catch (NoSuchFileException e) {
      throw new DataException("file not found", file, e);
    } catch (IOException e) {
      throw new DataException("cannot read (line " + (line + 1) + "): " + e, file, e);
    }
    return TextDataset.of(name, examples, names);
  }

  private static String suffix(Granularity granularity) {
    return granularity.name().toLowerCase(Locale.ROOT);
  }

  private static String abbreviate(String value) {
    return value.length() <= 60 ? value : value.substring(0, 57) + "...";
  }
}
