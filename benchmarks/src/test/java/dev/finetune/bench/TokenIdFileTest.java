package dev.finetune.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token-id file the PyTorch peer reads: exact text layout, round trip, clear errors. */
class TokenIdFileTest {

  @TempDir Path dir;

  @Test
  void writesAHeaderThenIndexTabIdsPerRowInOrder() throws IOException {
    Path file = dir.resolve("ids.txt");
    TokenIdFile.write(file, List.of(new TokenIdFile.Row(7, new long[] {101, 2009, 102}),
        new TokenIdFile.Row(0, new long[] {101, 102})));
    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .isEqualTo("#finetune-token-ids v1\n7\t101 2009 102\n0\t101 102\n");
  }

  @Test
  void readsBackWhatItWrote() {
    Path file = dir.resolve("ids.txt");
    TokenIdFile.write(file, List.of(new TokenIdFile.Row(3, new long[] {101, 30521, 102}),
        new TokenIdFile.Row(1, new long[] {5})));
    List<TokenIdFile.Row> rows = TokenIdFile.read(file);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).index()).isEqualTo(3);
    assertThat(rows.get(0).ids()).containsExactly(101, 30521, 102);
    assertThat(rows.get(1).index()).isEqualTo(1);
    assertThat(rows.get(1).ids()).containsExactly(5);
  }

  @Test
  void namesTheFileAndLineThatDoNotFit() throws IOException {
    Path noHeader = dir.resolve("plain.txt");
    Files.writeString(noHeader, "0\t101 102\n");
    assertThatThrownBy(() -> TokenIdFile.read(noHeader))
        .hasMessageContaining("plain.txt is not a token-id file")
        .hasMessageContaining("#finetune-token-ids v1");
    Path badLine = dir.resolve("bad.txt");
    Files.writeString(badLine, "#finetune-token-ids v1\n0\t101 102\n1 101 102\n");
    assertThatThrownBy(() -> TokenIdFile.read(badLine))
        .hasMessageContaining("bad.txt line 3")
        .hasMessageContaining("INDEX<TAB>ID");
  }

  @Test
  void refusesEmptyRowsAndNegativeIndices() {
    assertThatThrownBy(() -> new TokenIdFile.Row(2, new long[0])).hasMessageContaining("row 2");
    assertThatThrownBy(() -> new TokenIdFile.Row(-1, new long[] {1}))
        .hasMessageContaining(">= 0");
  }
}
