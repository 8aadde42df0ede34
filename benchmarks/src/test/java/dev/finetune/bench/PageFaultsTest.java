package dev.finetune.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** minflt is read from the right field, even when the command name holds spaces and parentheses. */
class PageFaultsTest {

  @Test
  void readsTheTenthField() {
    String line = "4242 (java) S 1 4242 4242 0 -1 4194560 123456 0 7 0 250 31 0 0 20 0 40 0";
    assertThat(PageFaults.parseMinor(line)).isEqualTo(123456L);
  }

  @Test
  void skipsACommandNameWithSpacesAndParentheses() {
    String line = "17 (my (odd) name) R 1 17 17 0 -1 4194304 99 0 0 0 1 1 0 0 20 0 1 0";
    assertThat(PageFaults.parseMinor(line)).isEqualTo(99L);
  }

  @Test
  void rejectsOtherText() {
    assertThatThrownBy(() -> PageFaults.parseMinor("no parentheses here"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stat");
    assertThatThrownBy(() -> PageFaults.parseMinor("1 (x) S 1 2"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countsWritesToAFreshMappingOnLinux(@TempDir Path dir) throws IOException {
    assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"));
    int pages = 4096;
    try (FileChannel file = FileChannel.open(dir.resolve("pages"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      MappedByteBuffer mapped = file.map(FileChannel.MapMode.READ_WRITE, 0, pages * 4096L);
      long before = PageFaults.minor();
      for (int page = 0; page < pages; page++) {
        mapped.put(page * 4096, (byte) 1); // the first write to each page of the mapping faults
      }
      long after = PageFaults.minor();
      assertThat(before).isPositive();
      assertThat(after - before).isGreaterThanOrEqualTo(pages / 4);
    }
  }
}
