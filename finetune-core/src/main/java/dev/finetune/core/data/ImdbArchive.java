package dev.finetune.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

/**
 * Turns the original {@code aclImdb_v1.tar.gz} into the {@code train.csv} / {@code test.csv} form
 * {@link Imdb} reads: header {@code text,label}, RFC 4180 with CRLF, each review's full UTF-8 text
 * unchanged, {@code neg} (label 0) rows first then {@code pos} (label 1), each sorted by numeric
 * file id. The {@code unsup} reviews and everything else in the archive are skipped.
 */
final class ImdbArchive {

  private static final Pattern REVIEW =
      Pattern.compile("(?:.*/)?aclImdb/(train|test)/(neg|pos)/(\\d+)_\\d+\\.txt");

  private ImdbArchive() {}

  /**
   * Converts the archive into {@code outDir/train.csv} and {@code outDir/test.csv}, each written
   * to a temporary file first and then moved into place.
   *
   * @param archive the {@code .tar.gz}
   * @param outDir the folder for the CSV files
   * @throws DataException when the archive is unreadable, a review is not UTF-8, or a split has
   *     no reviews
   */
  static void convert(Path archive, Path outDir) {
    Map<String, TreeMap<Integer, String>> reviews = new TreeMap<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Matcher m = REVIEW.matcher(entry.getName());
        if (!entry.isFile() || !m.matches()) {
          continue;
        }
        String text = decode(tar.readAllBytes(), archive, entry.getName());
        reviews.computeIfAbsent(m.group(1) + "/" + m.group(2), k -> new TreeMap<>())
            .put(Integer.parseInt(m.group(3)), text);
      }
    } catch (IOException e) {
      throw new DataException(archive + ": cannot read the IMDb archive (" + e.getMessage()
          + "); delete it so that it is downloaded again, or put train.csv and test.csv in its"
          + " folder", archive, 0, e);
    }
    try {
      Files.createDirectories(outDir);
      for (String split : new String[] {"train", "test"}) {
        TreeMap<Integer, String> neg = reviews.get(split + "/neg");
        TreeMap<Integer, String> pos = reviews.get(split + "/pos");
        if (neg == null || pos == null) {
          throw new DataException(archive + ": no aclImdb/" + split + "/neg or /pos reviews found;"
              + " is this aclImdb_v1.tar.gz?", archive, 0, null);
        }
        Path target = outDir.resolve(split + ".csv");
        Path tmp = Files.createTempFile(outDir, split, ".csv.tmp");
        CSVFormat format = CSVFormat.RFC4180.builder().setQuoteMode(QuoteMode.MINIMAL).get();
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(out, format)) {
          printer.printRecord("text", "label");
          for (String text : neg.values()) {
            printer.printRecord(text, 0);
          }
          for (String text : pos.values()) {
            printer.printRecord(text, 1);
          }
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new DataException("cannot write the converted IMDb files in " + outDir + ": "
          + e.getMessage(), outDir, 0, e);
    }
  }

  private static String decode(byte[] bytes, Path archive, String name) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new DataException(archive + ": review " + name + " is not valid UTF-8", archive, 0, e);
    }
  }
}
