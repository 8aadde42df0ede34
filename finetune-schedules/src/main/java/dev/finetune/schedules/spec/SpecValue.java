package dev.finetune.schedules.spec;

import java.util.List;
import java.util.Objects;

/**
 * One value in a parsed spec: a number, a string, a boolean, {@code None}, a list or a nested call.
 *
 * <pre>{@code
 * SpecCall call = SpecParser.parse("MultiStepLR(milestones=[30, 80], gamma=0.1)");
 * SpecValue milestones = call.named().get("milestones");   // a SpecValue.Seq
 * }</pre>
 */
public sealed interface SpecValue
    permits SpecValue.Num, SpecValue.Text, SpecValue.Bool, SpecValue.NoneValue, SpecValue.Seq,
        SpecCall {

  /**
   * Describes the value the way it was written, for error messages.
   *
   * @return the source-like text of the value
   */
  String describe();

  /**
   * A number in any Python notation ({@code 1e-5}, {@code 5.}, {@code .5}, {@code 1_000}).
   *
   * <pre>{@code
   * new SpecValue.Num(1e-5, "1e-5");
   * }</pre>
   *
   * @param value the value
   * @param text the text as written (keeps {@code 30} apart from {@code 30.0} for messages)
   */
  record Num(double value, String text) implements SpecValue {
    /** Validates the components. */
    public Num {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public String describe() {
      return text;
    }
  }

  /**
   * A string, bare ({@code cos}) or quoted ({@code 'cos'}, {@code "cos"}).
   *
   * <pre>{@code
   * new SpecValue.Text("cos", true);  // written 'cos'
   * }</pre>
   *
   * @param value the unquoted string
   * @param quoted whether it was written in quotes
   */
  record Text(String value, boolean quoted) implements SpecValue {
    /** Validates the components. */
    public Text {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String describe() {
      return quoted ? "'" + value + "'" : value;
    }
  }

  /**
   * A boolean: {@code True}/{@code False} (Python) or {@code true}/{@code false}.
   *
   * <pre>{@code
   * new SpecValue.Bool(true);  // written True
   * }</pre>
   *
   * @param value the value
   */
  record Bool(boolean value) implements SpecValue {
    @Override
    public String describe() {
      return value ? "True" : "False";
    }
  }

  /** Python's {@code None} (also {@code null}): the argument takes its default.
   *
   * <pre>{@code
   * new SpecValue.NoneValue();  // written None
   * }</pre>
   */
  record NoneValue() implements SpecValue {
    @Override
    public String describe() {
      return "None";
    }
  }

  /**
   * A list {@code [a, b]} or tuple {@code (a, b)}.
   *
   * <pre>{@code
   * new SpecValue.Seq(List.of(new SpecValue.Num(30, "30")));  // written [30]
   * }</pre>
   *
   * @param items the items in order
   */
  record Seq(List<SpecValue> items) implements SpecValue {
    /** Copies the items. */
    public Seq {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < items.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(items.get(i).describe());
      }
      return sb.append(']').toString();
    }
  }
}
