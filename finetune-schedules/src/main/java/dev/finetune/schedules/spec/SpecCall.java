package dev.finetune.schedules.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed constructor-style call: {@code Name(positional..., key=value, ...)}.
 *
 * <p>Qualified names keep only their last segment, so {@code torch.optim.lr_scheduler.StepLR(...)}
 * has the name {@code StepLR}.
 *
 * <pre>{@code
 * SpecCall call = SpecParser.parse("StepLR(optimizer, step_size=30, gamma=0.1)");
 * call.name();        // "StepLR"
 * call.positional();  // [optimizer]
 * call.named();       // {step_size=30, gamma=0.1}
 * }</pre>
 *
 * @param name the callee's simple name
 * @param positional positional arguments in order
 * @param named keyword arguments in source order
 */
public record SpecCall(String name, List<SpecValue> positional, Map<String, SpecValue> named)
    implements SpecValue {

  /** Copies the arguments and keeps the keyword order. */
  public SpecCall {
    Objects.requireNonNull(name, "name");
    positional = List.copyOf(positional);
    named = Collections.unmodifiableMap(new LinkedHashMap<>(named));
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder(name).append('(');
    String sep = "";
    for (SpecValue v : positional) {
      sb.append(sep).append(v.describe());
      sep = ", ";
    }
    for (Map.Entry<String, SpecValue> e : named.entrySet()) {
      sb.append(sep).append(e.getKey()).append('=').append(e.getValue().describe());
      sep = ", ";
    }
    return sb.append(')').toString();
  }
}
