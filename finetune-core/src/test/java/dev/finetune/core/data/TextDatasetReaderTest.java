package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Column mapping, label mapping, and a clear file:line error (or a counted skip) per bad row. */
class TextDatasetReaderTest {

  @TempDir Path temp;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(temp.resolve(name), content);
  }

  @Test
  void csvWithQuotedNewlinesCrlfAndLabelNames() throws IOException {
    Path file =
        write(
            "r.csv",
            "id,review,sentiment\r\n"
                + "1,\"multi\r\nline, \"\"quoted\"\"\",positive\r\n"
                + "2,plain \u0085 nel,0\r\n");
    TextDataset data =
        TextDatasetReader.csv()
            .text("review")
            .label("sentiment")
            .labelNames("negative", "positive")
            .read(file);
    assertThat(data.size()).isEqualTo(2);
    assertThat(data.get(0)).isEqualTo(TextExample.of("multi\r\nline, \"quoted\"", 1));
    assertThat(data.get(1)).isEqualTo(TextExample.of("plain \u0085 nel", 0));
    assertThat(data.name()).isEqualTo("r.csv");
  }

  @Test
  void tsvByIndexWithPairsKeepsEmptyFields() throws IOException {
    Path file = write("p.tsv", "a\tthe cat\t\tsat\t2\nb\tone\t\ttwo\t0\n");
    TextDataset data =
        TextDatasetReader.tsv().header(false).text(1).textPair(3).label(4).read(file);
    assertThat(data.get(0)).isEqualTo(TextExample.pair("the cat", "sat", 2));
    assertThat(data.labelNames()).containsExactly("0", "1", "2"); // inferred from ids
    assertThat(data.hasPairs()).isTrue();
  }

  @Test
  void jsonlWithStringAndNumericLabelsAndRegression() throws IOException {
    Path file =
        write(
            "d.jsonl",
            "{\"premise\":\"p1\",\"hypothesis\":\"h1\",\"label\":\"neutral\"}\n\n"
                + "{\"premise\":\"p2\",\"hypothesis\":\"h2\",\"label\":2}\n");
    TextDataset data =
        TextDatasetReader.jsonl()
            .text("premise")
            .textPair("hypothesis")
            .label("label")
            .labelNames("entailment", "neutral", "contradiction")
            .read(file);
    assertThat(data.examples())
        .containsExactly(TextExample.pair("p1", "h1", 1), TextExample.pair("p2", "h2", 2));

    Path sts = write("s.jsonl", "{\"a\":\"x\",\"score\":4.25}\n");
    TextDataset reg = TextDatasetReader.jsonl().text("a").label("score").regression().read(sts);
    assertThat(reg.isRegression()).isTrue();
    assertThat(reg.numLabels()).isEqualTo(1);
    assertThat(reg.get(0).target()).isEqualTo(4.25f);
  }

  @Test
  void missingColumnNamesFileAndHeader() throws IOException {
    Path file = write("m.tsv", "sentence\tlabel\nx\t1\n");
    assertThatThrownBy(() -> TextDatasetReader.tsv().text("text").label("label").read(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file + " line 1: missing column 'text'")
        .hasMessageContaining("[sentence, label]");
  }

  @Test
  void nonNumericLabelNamesLine() throws IOException {
    Path file = write("n.tsv", "sentence\tlabel\ngood\t1\nbad\tpos\n");
    assertThatThrownBy(() -> sst2Like().read(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file + " line 3: label 'pos'")
        .hasMessageContaining("not a class id");
  }

  @Test
  void outOfRangeLabelNamesLine() throws IOException {
    Path file = write("o.tsv", "sentence\tlabel\ngood\t1\nbad\t2\n");
    assertThatThrownBy(() -> sst2Like().labelNames("negative", "positive").read(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file + " line 3: label 2")
        .hasMessageContaining("out of range");
  }

  @Test
  void emptyTextNamesLine() throws IOException {
    Path file = write("e.tsv", "sentence\tlabel\ngood\t1\n  \t0\n");
    assertThatThrownBy(() -> sst2Like().read(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file + " line 3: empty text in column 'sentence'");
  }

  @Test
  void raggedRowNamesLine() throws IOException {
    Path file = write("g.tsv", "sentence\tlabel\ngood\t1\nbad\t0\textra\n");
    assertThatThrownBy(() -> sst2Like().read(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file + " line 3: ragged row: 3 tab-separated fields, expected 2");
  }

  @Test
  void raggedCsvRecordAndBadJsonNameLine() throws IOException {
    Path csv = write("g.csv", "text,label\r\n\"a\r\nb\",1\r\nc,0,9\r\n");
    assertThatThrownBy(() -> TextDatasetReader.csv().text("text").label("label").read(csv))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(csv + " line 4: ragged record: 3 fields, expected 2");
    Path json = write("b.jsonl", "{\"t\":\"a\",\"l\":0}\n{\"t\":\"b\",\"l\":\n");
    assertThatThrownBy(() -> TextDatasetReader.jsonl().text("t").label("l").read(json))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(json + " line 2: malformed JSON");
  }

  @Test
  void unreadableFilesAreClearErrors() throws IOException {
    Path missing = temp.resolve("nope.tsv");
    assertThatThrownBy(() -> sst2Like().read(missing))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(missing + ": file not found");
    Path latin1 = temp.resolve("latin1.tsv");
    Files.write(latin1, new byte[] {'s', '\t', 'l', '\n', 'c', 'a', 'f', (byte) 0xE9, '\t', '1'});
    assertThatThrownBy(() -> TextDatasetReader.tsv().text("s").label("l").read(latin1))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(latin1 + " line 2: encoding problem: byte 0xE9")
        .hasMessageContaining("not valid UTF-8");
    Path dir = Files.createDirectory(temp.resolve("adir"));
    assertThatThrownBy(() -> sst2Like().read(dir)).isInstanceOf(DataException.class)
        .hasMessageContaining(dir.toString());
  }

  @Test
  void unclosedQuoteThatALaterQuoteClosesIsNamedWhereItOpened() throws IOException {
    // Commons CSV reads lines 3-5 as one record: the old reader returned 2 examples from 4 rows
    Path file =
        write(
            "q.csv",
            "text,label\n"
                + "fine,0\n"
                + "\"great movie,1\n"
                + "dull,0\n"
                + "bad\",0\n");
    assertThatThrownBy(() -> TextDatasetReader.csv().text("text").label("label").read(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file + " line 3: the quoted field #0 opened on this line runs to line 5")
        .hasMessageContaining("line 3: great movie,1")
        .hasMessageContaining("unclosed quote");
    Path later =
        write("q2.csv", "id,text,label\n1,ok,0\n2,\"it was, well\n3,dull,0\n4,bad\",1\n");
    assertThatThrownBy(() -> TextDatasetReader.csv().text("text").label("label").read(later))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(later + " line 3: the quoted field #1")
        .hasMessageContaining("line 4: 3,dull,0");
  }

  @Test
  void invalidUtf8IsAnEncodingProblemOnTheRightLine() throws IOException {
    // far past the reader's first buffer: the old error named a line thousands of lines early
    StringBuilder rows = new StringBuilder("text,label\n");
    for (int i = 0; i < 5000; i++) {
      rows.append("row ").append(i).append(",0\n");
    }
    byte[] head = rows.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] bad = {'c', 'a', 'f', (byte) 0xE9, ',', '1', '\n'};
    byte[] all = java.util.Arrays.copyOf(head, head.length + bad.length);
    System.arraycopy(bad, 0, all, head.length, bad.length);
    Path csv = Files.write(temp.resolve("latin1.csv"), all);
    assertThatThrownBy(() -> TextDatasetReader.csv().text("text").label("label").read(csv))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(csv + " line 5002: encoding problem: byte 0xE9 at byte offset " + (head.length + 3));
    Path tsv = Files.write(temp.resolve("latin1.tsv"), new String(all, java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace(',', '\t').getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> TextDatasetReader.tsv().text("text").label("label").read(tsv))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(tsv + " line 5002: encoding problem");
  }

  @Test
  void skipBadRowsCountsEveryKindOfBadRow() throws IOException {
    Path file =
        write(
            "s.tsv",
            "sentence\tlabel\n"
                + "good\t1\n"
                + "\t0\n" // empty text
                + "x\tmaybe\n" // non-numeric
                + "y\t7\n" // out of range
                + "z\t0\tzz\n" // ragged
                + "fine\t0\n");
    TextDataset data =
        sst2Like().labelNames("negative", "positive").skipBadRows(true).read(file);
    assertThat(data.examples())
        .containsExactly(TextExample.of("good", 1), TextExample.of("fine", 0));
    assertThat(data.skippedRows()).isEqualTo(4);
    assertThat(data.take(1).skippedRows()).isEqualTo(4);
  }

  @Test
  void nameSelectedColumnWithoutHeaderIsAConfigurationError() {
    assertThatThrownBy(() -> TextDatasetReader.tsv().header(false).text("sentence").label(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("select it by 0-based index");
  }

  private static TextDatasetReader.Builder sst2Like() {
    return TextDatasetReader.tsv().text("sentence").label("label");
  }
}
