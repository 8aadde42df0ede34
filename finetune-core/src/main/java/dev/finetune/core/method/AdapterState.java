package dev.finetune.core.method;

import com.google.gson.JsonObject;
import dev.finetune.core.checkpoint.HostTensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one method contributes to an adapter checkpoint: its fields of {@code adapter_config.json},
 * its tensors and the key layout they are written in.
 *
 * <pre>{@code
 * AdapterState s = AdapterState.tuner(config, Map.of("encoder.layer.0.x.weight", tensor));
 * // written as base_model.model.bert.encoder.layer.0.x.weight
 * }</pre>
 *
 * @param config the method's configuration fields (the common ones are added when writing)
 * @param tensors the tensors by saved name
 * @param layout how saved names become file keys
 */
public record AdapterState(JsonObject config, Map<String, HostTensor> tensors, Layout layout) {

  /** How tensor names become file keys, as PEFT writes them. */
  public enum Layout {
    /**
     * PEFT's tuners (LoRA, IA3): {@code base_model.model.} + the model prefix ({@code bert.}) +
     * the name; the head under {@code base_model.model.}.
     */
    TUNER("base_model.model."),
    /**
     * PEFT's prompt learning (prompt and prefix tuning): names are written as they are
     * ({@code prompt_embeddings}); the head under {@code base_model.}.
     */
    PROMPT_LEARNING("base_model.");

    private final String root;

    Layout(String root) {
      this.root = root;
    }

    /** @return the root of the head's keys */
    public String root() {
      return root;
    }

    /**
     * The file key of a method tensor.
     *
     * @param modelPrefix e.g. {@code bert.}
     * @param name the saved name
     * @return the key
     */
    public String key(String modelPrefix, String name) {
      return this == TUNER ? root + modelPrefix + name : name;
    }
  }

  /** Copies the tensor map, keeping its order (the file's order). */
  public AdapterState {
    Objects.requireNonNull(config, "config");
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    Objects.requireNonNull(layout, "layout");
  }

  /**
   * A state in the tuner layout.
   *
   * @param config the method's fields
   * @param tensors by saved name
   * @return the state
   */
  public static AdapterState tuner(JsonObject config, Map<String, HostTensor> tensors) {
    return new AdapterState(config, tensors, Layout.TUNER);
  }
}
