package dev.finetune.core.method;

import java.util.Locale;
import java.util.Optional;

/**
 * One entry of the {@link FineTuningMethods registry}: a kind of fine-tuning method, keyed by a
 * short name ({@code lora}) and, when it has adapter checkpoints, by their {@code peft_type}
 * ({@code LORA}). It parses spec text ({@code lora(16)}, {@code lora(r=16,alpha=32)}) and reads its
 * configuration back from {@code adapter_config.json}. Register one through
 * {@code META-INF/services/dev.finetune.core.method.MethodType} (a public class with a public
 * no-argument constructor) or {@link FineTuningMethods#register}.
 *
 * <pre>{@code
 * public final class ScaleType implements MethodType {
 *   public String name() { return "scale"; }
 *   public String usage() { return "scale(1)"; }
 *   public String help() { return "a trainable per-channel scale after each layer"; }
 *   public FineTuningMethod parse(MethodSpec spec) { return new Scale(spec.doubleArg(0, "init", 1)); }
 *   public FineTuningMethod fromAdapterConfig(AdapterConfig c) {
 *     return new Scale(c.required("init").getAsDouble());
 *   }
 * }
 * }</pre>
 */
public interface MethodType {

  /**
   * The short name, lower case with underscores.
   *
   * @return e.g. {@code lora}, {@code top_layers}
   */
  String name();

  /**
   * The spec form shown in lists and help, with the defaults as arguments.
   *
   * @return e.g. {@code lora(8)}, {@code top_layers(K)}, {@code bitfit}
   */
  String usage();

  /**
   * One line for command-line help.
   *
   * @return e.g. {@code LoRA on query and value; lora(r=16,alpha=32,targets=query|key|value)}
   */
  String help();

  /**
   * Creates the method from spec text.
   *
   * @param spec the parsed text, e.g. {@code lora(16)}
   * @return the configured method
   * @throws IllegalArgumentException naming the argument that is wrong
   */
  FineTuningMethod parse(MethodSpec spec);

  /**
   * The {@code peft_type} its adapter checkpoints carry.
   *
   * @return e.g. {@code LORA}; by default the name in upper case; empty for a method that has
   *     no adapter checkpoint (its models are saved whole)
   */
  default Optional<String> adapterType() {
    return Optional.of(name().toUpperCase(Locale.ROOT));
  }

  /**
   * Re-creates the method from its adapter checkpoint's configuration.
   *
   * @param config the configuration being loaded
   * @return the configured method, not yet applied
   * @throws IllegalArgumentException naming the file and key when a field is missing or wrong
   */
  default FineTuningMethod fromAdapterConfig(AdapterConfig config) {
    throw new UnsupportedOperationException(name() + " has no adapter checkpoint");
  }
}
