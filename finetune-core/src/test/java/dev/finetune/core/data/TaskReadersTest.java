package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MRPC, STS-B, TREC and GoEmotions readers on tiny hand-written files with each quirk. */
class TaskReadersTest {

  private static final String MRPC_HEADER = "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n";
  private static final String STSB_HEADER =
      "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n";

  @TempDir Path temp;

  private Path dir(String name) throws IOException {
    return Files.createDirectories(temp.resolve(name));
  }

  @Test
  void mrpcStripsTheBomAndKeepsBareQuotes() throws IOException {
    Path dir = dir("mrpc");
    Files.writeString(
        dir.resolve("train.tsv"),
        MRPC_HEADER
            + "1\t702876\t702977\tHe called \" the witness \" .\tAs \" the witness \" , he .\n"
            + "0\t2108705\t2108831\tYucaipa owned it .\tYucaipa bought it .\n");
    Files.writeString(dir.resolve("dev.tsv"), MRPC_HEADER + "1\t1\t2\tA .\tB .\n");
    DatasetSplit mrpc = Glue.mrpc(dir);
    assertThat(mrpc.train().examples())
        .containsExactly(
            TextExample.pair("He called \" the witness \" .", "As \" the witness \" , he .", 1),
            TextExample.pair("Yucaipa owned it .", "Yucaipa bought it .", 0));
    assertThat(mrpc.train().labelNames()).containsExactly("not_equivalent", "equivalent");
    assertThat(mrpc.train().name()).isEqualTo("mrpc/train");
    assertThat(mrpc.validation().size()).isEqualTo(1);
  }

  @Test
  void mrpcRaggedRowNamesFileAndLine() throws IOException {
    Path dir = dir("mrpc");
    Files.writeString(
        dir.resolve("train.tsv"), MRPC_HEADER + "1\t1\t2\tA .\tB .\n0\t3\t4\tonly one text\n");
    Files.writeString(dir.resolve("dev.tsv"), MRPC_HEADER + "1\t1\t2\tA .\tB .\n");
    assertThatThrownBy(() -> Glue.mrpc(dir))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(dir.resolve("train.tsv") + " line 3")
        .hasMessageContaining("4 tab-separated fields, expected 5");
  }

  @Test
  void stsbReadsTheLastColumnAsAScoreWithQuotesInText() throws IOException {
    Path dir = dir("stsb");
    Files.writeString(
        dir.resolve("train.tsv"),
        STSB_HEADER
            + "0\tmain-captions\tMSRvid\t2012test\t0001\tnone\tnone\tA plane.\tAn \"air\" plane.\t5.000\n"
            + "1\tmain-news\theadlines\t2013\t0002\tnone\tnone\t\"Quoted\tLast.\t1.53333333333333\n");
    Files.writeString(
        dir.resolve("dev.tsv"),
        STSB_HEADER + "0\tmain-forums\tx\t2015\t0001\tnone\tnone\tA.\tB.\t0.000\n");
    DatasetSplit stsb = Glue.stsb(dir);
    assertThat(stsb.train().isRegression()).isTrue();
    assertThat(stsb.train().numLabels()).isEqualTo(1);
    assertThat(stsb.train().examples())
        .containsExactly(
            TextExample.regression("A plane.", "An \"air\" plane.", 5f),
            TextExample.regression("\"Quoted", "Last.", 1.53333333333333f));
    assertThat(stsb.validation().get(0).target()).isZero();
  }

  @Test
  void stsbScoreOutsideZeroToFiveNamesFileAndLine() throws IOException {
    Path dir = dir("stsb");
    Files.writeString(
        dir.resolve("train.tsv"),
        STSB_HEADER
            + "0\tg\tf\ty\t1\tn\tn\tA.\tB.\t4.5\n"
            + "1\tg\tf\ty\t2\tn\tn\tA.\tB.\t5.2\n");
    Files.writeString(dir.resolve("dev.tsv"), STSB_HEADER + "0\tg\tf\ty\t1\tn\tn\tA.\tB.\t-0.1\n");
    assertThatThrownBy(() -> Glue.readStsb(dir.resolve("train.tsv"), "t"))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(dir.resolve("train.tsv") + " line 3")
        .hasMessageContaining("5.2")
        .hasMessageContaining("outside the declared range [0.0, 5.0]");
    assertThatThrownBy(() -> Glue.readStsb(dir.resolve("dev.tsv"), "d"))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(dir.resolve("dev.tsv") + " line 2")
        .hasMessageContaining("-0.1");
    assertThatThrownBy(() -> TextDatasetReader.tsv().regression(5, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min <= max");
  }

  @Test
  void trecReadsLatin1AndBothGranularities() throws IOException {
    Path dir = dir("trec");
    byte[] train =
        ("DESC:manner How did serfdom develop ?\n"
                + "LOC:city Which city is a sister\u00f0city of Los Angeles ?\n"
                + "NUM:date When was it ?\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(dir.resolve("train_5500.label"), train);
    Files.writeString(dir.resolve("TREC_10.label"), "ABBR:exp What is AIDS ?\n");
    DatasetSplit coarse = Trec.coarse(dir);
    assertThat(coarse.train().labelNames()).containsExactly(Trec.COARSE_LABELS.toArray(String[]::new));
    assertThat(coarse.train().examples())
        .containsExactly(
            TextExample.of("How did serfdom develop ?", 1),
            TextExample.of("Which city is a sister\u00f0city of Los Angeles ?", 4),
            TextExample.of("When was it ?", 5));
    assertThat(coarse.validation().get(0).label()).isZero();
    assertThat(coarse.validation().name()).isEqualTo("trec-coarse/test");
    DatasetSplit fine = Trec.fine(dir);
    assertThat(fine.train().numLabels()).isEqualTo(50);
    assertThat(fine.train().labelNames().get(fine.train().get(0).label())).isEqualTo("DESC:manner");
    assertThat(fine.train().labelNames().get(fine.train().get(1).label())).isEqualTo("LOC:city");
    assertThat(fine.validation().labelNames().get(fine.validation().get(0).label()))
        .isEqualTo("ABBR:exp");
    assertThat(Trec.FINE_LABELS).isSorted().doesNotHaveDuplicates();
    assertThat(Trec.COARSE_LABELS).isSorted();
  }

  @Test
  void trecBadLinesNameFileAndLine() throws IOException {
    Path dir = dir("trec");
    Path bad = Files.writeString(dir.resolve("a.label"), "NUM:date When ?\nno label here\n");
    assertThatThrownBy(() -> Trec.read(bad, "t", Trec.Granularity.COARSE))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(bad + " line 2")
        .hasMessageContaining("expected 'COARSE:fine question text'");
    Path unknown = Files.writeString(dir.resolve("b.label"), "NUM:date When ?\nNUM:year When ?\n");
    assertThat(Trec.read(unknown, "t", Trec.Granularity.COARSE).size()).isEqualTo(2);
    assertThatThrownBy(() -> Trec.read(unknown, "t", Trec.Granularity.FINE))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(unknown + " line 2")
        .hasMessageContaining("unknown fine label 'NUM:year'");
    assertThatThrownBy(() -> Trec.coarse(dir))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("train_5500.label")
        .hasMessageContaining("file not found");
  }

  @Test
  void goEmotionsReadsNamesAndThreeSplits() throws IOException {
    Path dir = dir("goemotions");
    Files.writeString(dir.resolve("emotions.txt"), "admiration\namusement\nneutral"); // no final LF
    Files.writeString(dir.resolve("train.tsv"), "So \"cool\"\t0,1\tid1\nok\t2\tid2\n");
    Files.writeString(dir.resolve("dev.tsv"), "haha\t1\tid3\n");
    Files.writeString(dir.resolve("test.tsv"), "meh\t2\tid4\n");
    DatasetSplit data = GoEmotions.load(dir);
    assertThat(data.train().labelNames()).containsExactly("admiration", "amusement", "neutral");
    assertThat(data.train().examples())
        .containsExactly(TextExample.multiLabel("So \"cool\"", 0, 1), TextExample.multiLabel("ok", 2));
    assertThat(data.validation().get(0)).isEqualTo(TextExample.multiLabel("haha", 1));
    assertThat(data.testSet()).hasValueSatisfying(t -> assertThat(t.size()).isEqualTo(1));
    assertThat(data.test().isMultiLabel()).isTrue();
  }

  @Test
  void goEmotionsEmptyListOrUnknownIdNameFileAndLine() throws IOException {
    Path dir = dir("goemotions");
    Files.writeString(dir.resolve("emotions.txt"), "admiration\namusement\nneutral\n");
    Files.writeString(dir.resolve("dev.tsv"), "haha\t1\tid3\n");
    Files.writeString(dir.resolve("test.tsv"), "meh\t2\tid4\n");
    Files.writeString(dir.resolve("train.tsv"), "fine\t0\tid1\nnone\t\tid2\n");
    assertThatThrownBy(() -> GoEmotions.load(dir))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(dir.resolve("train.tsv") + " line 2")
        .hasMessageContaining("empty label list");
    Files.writeString(dir.resolve("train.tsv"), "fine\t0\tid1\ntoo far\t1,3\tid2\n");
    assertThatThrownBy(() -> GoEmotions.load(dir))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(dir.resolve("train.tsv") + " line 2")
        .hasMessageContaining("label 3")
        .hasMessageContaining("expected 0..2");
    Files.writeString(dir.resolve("emotions.txt"), "admiration\n\nneutral\n");
    assertThatThrownBy(() -> GoEmotions.load(dir))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(dir.resolve("emotions.txt") + " line 2")
        .hasMessageContaining("blank label name");
  }

  @Test
  void missingFilesSayWhereToPutThem() {
    DataLocation nowhere =
        DataLocation.defaults()
            .withRoot(temp.resolve("root"))
            .withCacheDir(temp.resolve("cache"))
            .withDownloads(false);
    assertThatThrownBy(() -> GoEmotions.load(nowhere))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("goemotions/emotions.txt not found")
        .hasMessageContaining(temp.resolve("cache").resolve("goemotions/emotions.txt").toString())
        .hasMessageContaining("-Dfinetune.data=DIR");
    assertThatThrownBy(() -> Glue.stsb(nowhere))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("stsb/train.tsv not found");
    assertThatThrownBy(() -> Trec.load(nowhere, Trec.Granularity.FINE))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("trec/train_5500.label not found")
        .hasMessageContaining("sha256 9e4c8bdc");
  }
}
