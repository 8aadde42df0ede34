package dev.finetune.core.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.model.SequenceClassifier;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry on its own: full is built in, register adds an entry, spec text parses strictly. */
class FineTuningMethodsTest {

  /** A method that does nothing, with one argument. */
  record Noop(double strength) implements FineTuningMethod {
    @Override
    public String kind() {
      return "core_test_noop";
    }

    @Override
    public void install(SequenceClassifier model) {}

    @Override
    public boolean owns(String hfName) {
      return false;
    }

    @Override
    public Map<String, long[]> expectedTensors(SequenceClassifier model) {
      return Map.of();
    }
  }

  static final class NoopType implements MethodType {
    @Override
    public String name() {
      return "core_test_noop";
    }

    @Override
    public String usage() {
      return "core_test_noop(1)";
    }

    @Override
    public String help() {
      return "does nothing";
    }

    @Override
    public FineTuningMethod parse(MethodSpec spec) {
      spec.accept("strength");
      return new Noop(spec.doubleArg(0, "strength", 1));
    }
  }

  @Test
  void fullIsBuiltInAndRegisterAddsAnEntry() {
    assertThat(FineTuningMethods.names()).first().isEqualTo("full");
    assertThat(FineTuningMethods.parse(" FULL ")).isSameAs(FineTuningMethods.full());
    assertThat(FineTuningMethods.full().changesBaseWeights()).isTrue();
    FineTuningMethods.register(new NoopType());
    FineTuningMethods.register(new NoopType()); // the same entry again is harmless
    assertThat(FineTuningMethods.names()).containsOnlyOnce("core_test_noop");
    assertThat(FineTuningMethods.usages()).contains("core_test_noop(1)");
    assertThat(FineTuningMethods.help("  ")).contains("  core_test_noop(1)  does nothing");
    assertThat(FineTuningMethods.parse("core_test_noop(strength=0.5)")).isEqualTo(new Noop(0.5));
    assertThat(FineTuningMethods.parse("core_test_noop(2)")).isEqualTo(new Noop(2));
    assertThat(FineTuningMethods.adapterTypes()).contains("CORE_TEST_NOOP");
    assertThat(FineTuningMethods.forAdapterType("CORE_TEST_NOOP")).containsInstanceOf(NoopType.class);

    MethodType impostor = new MethodType() {
      @Override
      public String name() {
        return "core_test_noop";
      }

      @Override
      public String usage() {
        return "x";
      }

      @Override
      public String help() {
        return "x";
      }

      @Override
      public FineTuningMethod parse(MethodSpec spec) {
        return null;
      }
    };
    assertThatThrownBy(() -> FineTuningMethods.register(impostor))
        .hasMessageContaining("a method named 'core_test_noop' is registered")
        .hasMessageContaining("give");
  }

  @Test
  void specTextIsParsedStrictly() {
    MethodSpec s = MethodSpec.parse("Lora(16, alpha = 32, targets=query | value)");
    assertThat(s.name()).isEqualTo("lora");
    assertThat(s.intArg(0, "r", 8)).isEqualTo(16);
    assertThat(s.doubleArg(1, "alpha", 8)).isEqualTo(32);
    assertThat(s.listArg(3, "targets")).containsExactly("query", "value");
    assertThat(s.arg(2, "dropout")).isEmpty();
    assertThatThrownBy(() -> s.accept("r", "alpha")).hasMessageContaining("has no argument 'targets'");
    assertThatThrownBy(() -> MethodSpec.parse("lora(r=1, 2)")).hasMessageContaining("after a named one");
    assertThatThrownBy(() -> MethodSpec.parse("lora(r=1, r=2)")).hasMessageContaining("gives r twice");
    assertThatThrownBy(() -> MethodSpec.parse("3lora")).hasMessageContaining("is not name or name(");
    assertThatThrownBy(() -> MethodSpec.parse("top(k=x)").intArg(0, "k", 1))
        .hasMessageContaining("argument k 'x' is not a number");
    assertThatThrownBy(() -> MethodSpec.parse("top").requiredInt(0, "k", "the number of layers"))
        .hasMessage("'top' needs the number of layers, e.g. top(...) or top(k=...)");
    assertThatThrownBy(() -> FineTuningMethods.parse("nothing_like_this"))
        .hasMessageStartingWith("method 'nothing_like_this' is unknown; use one of [full");
  }
}
