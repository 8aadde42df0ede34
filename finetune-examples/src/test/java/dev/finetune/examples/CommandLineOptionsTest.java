package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineOptionsTest {

  private static final List<String> FLAGS = List.of("quiet");
  private static final List<String> VALUED = List.of("data", "epochs");

  @Test
  void readsFlagsSpacedAndInlineValuesInOrder() {
    var o = CommandLineOptions.parse(new String[] {"--epochs=3", "--quiet", "--data", "a b"}, FLAGS, VALUED);
    assertThat(o).containsExactly(
        java.util.Map.entry("epochs", "3"), java.util.Map.entry("quiet", "true"), java.util.Map.entry("data", "a b"));
  }

  @Test
  void badArgumentsNameTheProblem() {
    assertThatThrownBy(() -> CommandLineOptions.parse(new String[] {"data"}, FLAGS, VALUED))
        .hasMessage("unexpected argument 'data'");
    assertThatThrownBy(() -> CommandLineOptions.parse(new String[] {"--nope"}, FLAGS, VALUED))
        .hasMessage("unknown option --nope");
    assertThatThrownBy(() -> CommandLineOptions.parse(new String[] {"--data"}, FLAGS, VALUED))
        .hasMessage("--data needs a value");
  }

  @Test
  void anOptionGivenTwiceIsAnError() {
    // the old parser silently kept the last value
    assertThatThrownBy(() -> CommandLineOptions.parse(new String[] {"--data", "a", "--data=b"}, FLAGS, VALUED))
        .hasMessage("--data given twice; give each option once");
    assertThatThrownBy(() -> CommandLineOptions.parse(new String[] {"--quiet", "--quiet"}, FLAGS, VALUED))
        .hasMessage("--quiet given twice; give each option once");
  }
}
