package dev.finetune.core.data.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CoNLL and JSONL reading: IOB1 -> IOB2, documents, tag sets and bad rows. */
class TokenReaderTest {

  @TempDir Path temp;

  private static final String CONLL =
      """
      -DOCSTART- -X- O O

      EU NNP I-NP I-ORG
      rejects VBZ I-VP O
      German JJ I-NP I-MISC
      call NN I-NP O

      Peter NNP I-NP I-PER
      Blackburn NNP I-NP I-PER

      -DOCSTART- -X- O O

      Paris NNP I-NP I-LOC
      Lyon NNP I-NP B-LOC
      and CC O O
      Smith NNP I-NP I-PER


      """;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(temp.resolve(name), text);
  }

  @Test
  void conllIob1BecomesIob2WithDocuments() throws IOException {
    TokenDataset data = TokenReader.conll().scheme(TagScheme.IOB1).read(write("a.txt", CONLL));
    assertThat(data.size()).isEqualTo(3);
    assertThat(data.tags().names())
        .containsExactly("O", "B-LOC", "I-LOC", "B-MISC", "I-MISC", "B-ORG", "I-ORG", "B-PER", "I-PER");
    assertThat(data.tagNames())
        .containsExactly(
            List.of("B-ORG", "O", "B-MISC", "O"),
            List.of("B-PER", "I-PER"),
            List.of("B-LOC", "B-LOC", "O", "B-PER"));
    assertThat(data.get(0).words()).containsExactly("EU", "rejects", "German", "call");
    assertThat(data.examples()).extracting(TokenExample::document).containsExactly(0, 0, 1);
    assertThat(data.entityCounts()).containsEntry("LOC", 2).containsEntry("PER", 2);
    TokenDataset docs = data.joinDocuments();
    assertThat(docs.size()).isEqualTo(2);
    assertThat(docs.get(0).size()).isEqualTo(6);
    assertThat(data.sentenceLengths()).containsExactly(new int[] {4, 2}, new int[] {4});
  }

  @Test
  void sentencesBeforeTheFirstDocstartAreTheirOwnDocument() throws IOException {
    Path file = write("d.txt", "a O\n\n-DOCSTART- O\n\nb O\n\n-DOCSTART- O\n\nc O\n");
    assertThat(TokenReader.conll().read(file).examples())
        .extracting(TokenExample::document)
        .containsExactly(0, 1, 2);
  }

  @Test
  void iob1ToIob2Conversion() {
    assertThat(TagScheme.toIob2(List.of("I-PER", "I-PER", "B-PER", "I-LOC", "O", "I-LOC", "B-MISC")))
        .containsExactly("B-PER", "I-PER", "B-PER", "B-LOC", "O", "B-LOC", "B-MISC");
    List<String> iob2 = List.of("B-PER", "I-PER", "B-PER", "O", "B-LOC");
    assertThat(TagScheme.toIob2(iob2)).isEqualTo(iob2);
    assertThat(TagScheme.IOB1.firstViolation(List.of("I-PER", "B-PER", "O", "B-LOC"))).isEqualTo(3);
    assertThat(TagScheme.IOB2.firstViolation(List.of("B-PER", "I-PER", "I-LOC"))).isEqualTo(2);
    assertThat(TagScheme.IOB2.firstViolation(iob2)).isEqualTo(-1);
  }

  @Test
  void wrongColumnCountNamesFileAndLine() throws IOException {
    Path file = write("bad.txt", "EU NNP I-NP I-ORG\nrejects VBZ O\n");
    assertThatThrownBy(() -> TokenReader.conll().read(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file + " line 2: 3 columns, expected 4")
        .hasMessageContaining("skipBadRows(true)")
        .satisfies(e -> assertThat(((DataException) e).line()).isEqualTo(2));
  }

  @Test
  void skipModeCountsAndReportsBadSentences() throws IOException {
    Path file =
        write("skip.txt", "EU NNP I-NP I-ORG\nrejects VBZ O\n\nParis NNP I-NP I-LOC\n\nX Y Z I-FOO\n");
    TokenDataset data =
        TokenReader.conll().columns(4).tagSet(TagSet.ofTypes("LOC", "ORG")).skipBadRows(true).read(file);
    assertThat(data.size()).isEqualTo(1);
    assertThat(data.get(0).words()).containsExactly("Paris");
    assertThat(data.skipped()).hasSize(2);
    assertThat(data.skipped().get(0)).contains("line 2: 3 columns, expected 4");
    assertThat(data.skipped().get(1)).contains("line 6: unknown tag 'I-FOO'");
  }

  @Test
  void unknownTagWithATagSetFails() throws IOException {
    Path file = write("u.txt", "EU NNP I-NP I-ORG\nrejects VBZ I-VP I-FOO\n");
    assertThatThrownBy(() -> TokenReader.conll().tagSet(TagSet.ofTypes("ORG")).read(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file + " line 2: unknown tag 'I-FOO': the tag set is [O, B-ORG, I-ORG]");
    Path malformed = write("m.txt", "EU NNP I-NP ORG\n");
    assertThatThrownBy(() -> TokenReader.conll().read(malformed))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("line 1: malformed tag 'ORG'");
    // '_' is what the entity metrics call a tag without a type: refused here, as a bad row
    Path untyped = write("t.txt", "EU NNP I-NP B-ORG\nrejects VBZ I-VP B-_\n");
    assertThatThrownBy(() -> TokenReader.conll().read(untyped))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("line 2: malformed tag 'B-_'");
  }

  @Test
  void strictModeRejectsSequencesTheSchemeForbids() throws IOException {
    Path iob2 = write("s2.txt", "a x O\nb x I-LOC\n");
    assertThatThrownBy(() -> TokenReader.conll().strict(true).read(iob2))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(iob2 + " line 2: tag I-LOC after O: in IOB2");
    assertThat(TokenReader.conll().read(iob2).tagNames()).containsExactly(List.of("O", "B-LOC"));
    Path iob1 = write("s1.txt", "a x O\nb x B-LOC\n");
    assertThatThrownBy(() -> TokenReader.conll().scheme(TagScheme.IOB1).strict(true).read(iob1))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("line 2: tag B-LOC after O: in IOB1");
  }

  @Test
  void jsonlWithStringAndIntegerTags() throws IOException {
    Path strings =
        write(
            "s.jsonl",
            "{\"tokens\":[\"EU\",\"rejects\"],\"tags\":[\"B-ORG\",\"O\"]}\n\n"
                + "{\"tokens\":[\"Peter\"],\"tags\":[\"B-PER\"]}\n");
    TokenDataset data = TokenReader.jsonl().read(strings);
    assertThat(data.tagNames()).containsExactly(List.of("B-ORG", "O"), List.of("B-PER"));
    List<String> hfNames =
        List.of("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC");
    Path ints =
        write("i.jsonl", "{\"id\":\"0\",\"tokens\":[\"EU\",\"rejects\",\"German\"],\"ner_tags\":[3,0,7]}\n");
    TokenDataset hf = TokenReader.jsonl().tagsField("ner_tags").tagNames(hfNames).read(ints);
    assertThat(hf.tagNames()).containsExactly(List.of("B-ORG", "O", "B-MISC"));
    assertThat(hf.tags().types()).containsExactly("MISC", "ORG");
  }

  @Test
  void jsonlBadRowsNameTheLine() throws IOException {
    Path file =
        write(
            "b.jsonl",
            "{\"tokens\":[\"EU\"],\"tags\":[\"B-ORG\"]}\n{\"tokens\":[\"a\",\"b\"],\"tags\":[\"O\"]}\n{oops\n");
    assertThatThrownBy(() -> TokenReader.jsonl().read(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file + " line 2: 2 tokens but 1 tags");
    TokenDataset skipped = TokenReader.jsonl().skipBadRows(true).read(file);
    assertThat(skipped.size()).isEqualTo(1);
    assertThat(skipped.skipped()).hasSize(2);
    assertThat(skipped.skipped().get(1)).contains("line 3: malformed JSON");
    Path nested = write("w.jsonl", "{\"tokens\":[[\"EU\"]],\"tags\":[\"O\"]}\n");
    assertThatThrownBy(() -> TokenReader.jsonl().read(nested))
        .hasMessageContaining("line 1: word 1 is [\"EU\"], not a string");
    Path ints = write("n.jsonl", "{\"tokens\":[\"EU\"],\"tags\":[3]}\n");
    assertThatThrownBy(() -> TokenReader.jsonl().read(ints))
        .hasMessageContaining("line 1: integer tag 3 but no tag names: pass");
  }
}
