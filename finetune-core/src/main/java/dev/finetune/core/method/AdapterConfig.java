package dev.finetune.core.method;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.finetune.core.model.SequenceClassifier;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An {@code adapter_config.json} being loaded, for {@link MethodType#fromAdapterConfig}: its
 * fields, the file (for error messages), the model it loads onto and the adapter name asked for.
 *
 * <pre>{@code
 * int r = config.required("r").getAsInt();            // names the file and the key when absent
 * double dropout = config.optional("lora_dropout").map(JsonElement::getAsDouble).orElse(0.0);
 * }</pre>
 *
 * @param file the configuration file
 * @param json its fields
 * @param model the model it is loaded onto (not yet changed)
 * @param adapterName the adapter name asked for, or null for the unnamed adapter
 */
public record AdapterConfig(Path file, JsonObject json, SequenceClassifier model,
    String adapterName) {

  /**
   * The {@code peft_type}.
   *
   * @return the type, or {@code (none)}
   * @throws IllegalArgumentException naming the file when {@code peft_type} is not a string
   */
  public String type() {
    JsonElement type = json.get("peft_type");
    if (type == null || type.isJsonNull()) {
      return "(none)";
    }
    if (!type.isJsonPrimitive() || !type.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException(file + ": \"peft_type\" must be a string such as"
          + " \"LORA\", got " + type);
    }
    return type.getAsString();
  }

  /**
   * A field the method needs.
   *
   * @param name the key
   * @return its value
   * @throws IllegalArgumentException naming the file and key when it is absent or null
   */
  public JsonElement required(String name) {
    JsonElement e = json.get(name);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException(file + " lacks \"" + name + "\", which " + type()
          + " needs");
    }
    return e;
  }

  /**
   * A field that may be absent.
   *
   * @param name the key
   * @return its value, empty when absent or null
   */
  public Optional<JsonElement> optional(String name) {
    JsonElement e = json.get(name);
    return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e);
  }
}
