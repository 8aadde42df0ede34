package dev.finetune.schedules.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecParserTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "1e-5 | 1e-5", "5. | 5", ".5 | 0.5", "1_000 | 1000", "-2 | -2", "+3 | 3", "2.5E+2 | 250",
      "1_0.2_5 | 10.25", "0 | 0"})
  void numbersInPythonNotation(String text, double expected) {
    SpecCall c = SpecParser.parse("f(x=" + text + ")");
    assertThat(((SpecValue.Num) c.named().get("x")).value()).isEqualTo(expected);
  }

  @Test
  void stringsBooleansNoneListsAndNestedCalls() {
    SpecCall c = SpecParser.parse(
        " torch.optim.lr_scheduler.Outer ( opt , a='cos', b=\"lin ear\", c=bare, d=True, e=false,"
            + " f=None, g=[1, 2,], h=(3, 4), i=Inner(k=1), j=[A(), B], ) ");
    assertThat(c.name()).isEqualTo("Outer");
    assertThat(c.positional()).containsExactly(new SpecValue.Text("opt", false));
    assertThat(c.named().get("a")).isEqualTo(new SpecValue.Text("cos", true));
    assertThat(c.named().get("b")).isEqualTo(new SpecValue.Text("lin ear", true));
    assertThat(c.named().get("c")).isEqualTo(new SpecValue.Text("bare", false));
    assertThat(c.named().get("d")).isEqualTo(new SpecValue.Bool(true));
    assertThat(c.named().get("e")).isEqualTo(new SpecValue.Bool(false));
    assertThat(c.named().get("f")).isEqualTo(new SpecValue.NoneValue());
    assertThat(((SpecValue.Seq) c.named().get("g")).items()).hasSize(2);
    assertThat(((SpecValue.Seq) c.named().get("h")).items()).hasSize(2);
    assertThat(((SpecCall) c.named().get("i")).name()).isEqualTo("Inner");
    assertThat(((SpecValue.Seq) c.named().get("j")).items()).hasSize(2);
    assertThat(List.copyOf(c.named().keySet()))
        .containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
  }

  @Test
  void bareNameIsACallWithoutArguments() {
    assertThat(SpecParser.parse("constant")).isEqualTo(new SpecCall("constant", List.of(), java.util.Map.of()));
  }

  @Test
  void syntaxErrorsPointAtThePosition() {
    assertThatThrownBy(() -> SpecParser.parse("StepLR(step_size=30"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("position 19").hasMessageContaining("end of text");
    assertThatThrownBy(() -> SpecParser.parse("StepLR(step_size=30 gamma=0.1)"))
        .hasMessageContaining("expected ',' or ')'");
    assertThatThrownBy(() -> SpecParser.parse("StepLR(step_size=1e)"))
        .hasMessageContaining("expected a number");
    assertThatThrownBy(() -> SpecParser.parse("StepLR(step_size=1__0)"))
        .hasMessageContaining("expected a number");
    assertThatThrownBy(() -> SpecParser.parse("f(a='x)")).hasMessageContaining("closing '");
    assertThatThrownBy(() -> SpecParser.parse("f(a=1, 2)"))
        .hasMessageContaining("positional argument follows keyword argument");
    assertThatThrownBy(() -> SpecParser.parse("f(a=1, a=2)")).hasMessageContaining("'a' given twice");
    assertThatThrownBy(() -> SpecParser.parse("  ")).hasMessageContaining("empty schedule spec");
    assertThatThrownBy(() -> SpecParser.parse("f() g")).hasMessageContaining("expected end of spec");
    assertThatThrownBy(() -> SpecParser.parse("3")).hasMessageContaining("schedule name");
  }

  @Test
  void writerOutputParsesBackToTheSameValues() {
    String text = new SpecWriter("F").arg("a", 1e-5).arg("b", 30L).arg("c", true)
        .arg("d", "cos").arg("e", "with space").arg("f", "True").longs("g", List.of(1L, 2L))
        .toString();
    assertThat(text).isEqualTo("F(a=1.0E-5,b=30,c=True,d=cos,e='with space',f='True',g=[1,2])");
    SpecCall c = SpecParser.parse(text);
    assertThat(((SpecValue.Num) c.named().get("a")).value()).isEqualTo(1e-5);
    assertThat(c.named().get("f")).isEqualTo(new SpecValue.Text("True", true));
  }
}
