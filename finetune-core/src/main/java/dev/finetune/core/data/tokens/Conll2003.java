package dev.finetune.core.data.tokens;

import dev.finetune.core.data.DataLocation;
import dev.finetune.core.data.RemoteFile;
import java.nio.file.Path;

/**
 * The English CoNLL-2003 named-entity data (Tjong Kim Sang and De Meulder, 2003): Reuters news with
 * the entity types {@code LOC}, {@code MISC}, {@code ORG} and {@code PER}.
 *
 * <p>Files {@code conll2003/train.txt}, {@code dev.txt} and {@code test.txt} (upstream {@code
 * eng.train}, {@code eng.testa}, {@code eng.testb}): 4 columns {@code word POS chunk NER}, IOB1
 * tags, {@code -DOCSTART-} lines between documents; 14,041 / 3,250 / 3,453 sentences. The texts
 * are Reuters' and have no download URL here (see the data folder's SOURCE.md for the licence):
 * put them under the data root or pass their folder. Tags are read as IOB1 (not strict: two {@code
 * B-MISC} after {@code O} in train start entities, as {@code conlleval} reads them) and converted
 * to IOB2 with the fixed {@link #TAGS}.
 *
 * <pre>{@code
 * TokenSplit conll = Conll2003.load(Path.of("shared/data/conll2003"));
 * TokenDataset train = conll.train();      // 14,041 sentences, 946 documents
 * }</pre>
 */
public final class Conll2003 {

  /** The tag set: {@code O, B-LOC, I-LOC, B-MISC, I-MISC, B-ORG, I-ORG, B-PER, I-PER}. */
  public static final TagSet TAGS = TagSet.ofTypes("LOC", "MISC", "ORG", "PER");

  /** The training file. */
  public static final RemoteFile TRAIN = RemoteFile.localOnly("conll2003/train.txt");

  /** The development file (eng.testa). */
  public static final RemoteFile DEV = RemoteFile.localOnly("conll2003/dev.txt");

  /** The test file (eng.testb). */
  public static final RemoteFile TEST = RemoteFile.localOnly("conll2003/test.txt");

  private Conll2003() {}

  /**
   * The reader this data set uses: CoNLL columns, 4 per line, NER tag in column 3, IOB1.
   *
   * @return the reader
   */
  public static TokenReader reader() {
    return TokenReader.conll().columns(4).tagColumn(3).scheme(TagScheme.IOB1).tagSet(TAGS).build();
  }

  /**
   * Train, dev (validation) and test from the default {@link DataLocation}.
   *
   * @return the three parts
   */
  public static TokenSplit load() {
    return load(DataLocation.defaults());
  }

  /**
   * Train, dev and test from a location.
   *
   * @param location where to look
   * @return the three parts
   */
  public static TokenSplit load(DataLocation location) {
    TokenReader reader = reader();
    return new TokenSplit(
        reader.read(location.resolve(TRAIN), "conll2003/train"),
        reader.read(location.resolve(DEV), "conll2003/dev"),
        reader.read(location.resolve(TEST), "conll2003/test"));
  }

  /**
   * Train, dev and test from a directory holding {@code train.txt}, {@code dev.txt} and {@code
   * test.txt}.
   *
   * @param dir the directory
   * @return the three parts
   */
  public static TokenSplit load(Path dir) {
    TokenReader reader = reader();
    return new TokenSplit(
        reader.read(dir.resolve("train.txt"), "conll2003/train"),
        reader.read(dir.resolve("dev.txt"), "conll2003/dev"),
        reader.read(dir.resolve("test.txt"), "conll2003/test"));
  }
}
