package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.core.data.DataException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Failures print as one line naming the problem; the stack trace only when verbose. */
class ExitCodesTest {

  @Test
  void libraryMessagesAreKeptAndRootCausesAdded() {
    DataException data = new DataException("ragged row", Path.of("d.tsv"), 3, null);
    assertThat(ExitCodes.oneLine(data)).isEqualTo("d.tsv line 3: ragged row");
    UncheckedIOException io = new UncheckedIOException("cannot write out", new IOException("No space left on device"));
    assertThat(ExitCodes.oneLine(io))
        .isEqualTo("cannot write out (cause: IOException: No space left on device)");
    assertThat(ExitCodes.of(new IllegalArgumentException("x"))).isEqualTo(ExitCodes.USAGE);
    assertThat(ExitCodes.of(data)).isEqualTo(ExitCodes.FAILED);
  }

  @Test
  void unexpectedTypesAreNamedOnOneLine() {
    // what surfaced through mvn exec:java as a bare "JsonObject" or "Malformed data"
    RuntimeException odd = new UnsupportedOperationException("JsonObject");
    assertThat(ExitCodes.oneLine(odd)).isEqualTo("UnsupportedOperationException: JsonObject");
    assertThat(ExitCodes.oneLine(new NullPointerException())).isEqualTo("NullPointerException");
    assertThat(ExitCodes.oneLine(new IllegalStateException("two\nlines"))).isEqualTo("two lines");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExitCodes.print(odd, new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .startsWith("error: UnsupportedOperationException: JsonObject")
        .contains("--verbose")
        .doesNotContain("\tat ");
    bytes.reset();
    ExitCodes.print(odd, new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("\tat ");
  }
}
