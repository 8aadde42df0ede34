package dev.finetune.peft;

import com.google.gson.JsonParser;
import dev.finetune.core.method.FineTuningMethods;
import dev.finetune.core.method.MethodCheckpoint;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.train.ModelTransform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Saves and loads only what a parameter-efficient method trained, plus the classification head
 * and the method's configuration: {@code adapter_config.json} and {@code
 * adapter_model.safetensors}, in Hugging Face PEFT's layout where PEFT has the method.
 *
 * <table>
 *   <caption>Layouts (keys shown for BERT; RoBERTa has {@code roberta.})</caption>
 *   <tr><th>method</th><th>{@code peft_type}</th><th>keys</th></tr>
 *   <tr><td>LoRA (any named adapter)</td><td>LORA</td>
 *       <td>{@code base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight}
 *       (the adapter name is left out, as PEFT saves it)</td></tr>
 *   <tr><td>IA3</td><td>IA3</td>
 *       <td>{@code base_model.model.bert.encoder.layer.0.attention.self.key.ia3_l} (H, 1),
 *       {@code ...layer.0.output.dense.ia3_l} (1, FFN)</td></tr>
 *   <tr><td>prompt tuning</td><td>PROMPT_TUNING</td><td>{@code prompt_embeddings} (n, H); a text
 *       initialisation is recorded as {@code RANDOM} with {@code prompt_tuning_init_text}, as PEFT
 *       would demand a tokenizer path for {@code TEXT}</td></tr>
 *   <tr><td>prefix tuning</td><td>PREFIX_TUNING</td>
 *       <td>{@code prompt_embeddings} (n, L·2·H): the prefix itself; with a projection, the MLP's
 *       output (what PEFT saves), so loading gives the prefix without its MLP</td></tr>
 *   <tr><td>bottleneck adapters</td><td>BOTTLENECK (this library's, not PEFT's)</td>
 *       <td>{@code base_model.model.bert.encoder.layer.0.output.adapter.down.weight}, {@code
 *       .down.bias}, {@code .up.weight}, {@code .up.bias}; {@code attention.output.adapter.}
 *       (Houlsby) and {@code output.adapter_parallel.} (parallel); the layers' LayerNorms when
 *       they train</td></tr>
 *   <tr><td>BitFit</td><td>BITFIT (this library's)</td>
 *       <td>{@code base_model.model.bert.encoder.layer.0.attention.self.query.bias} ..., the
 *       trained biases, listed in the config's {@code biases}</td></tr>
 * </table>
 *
 * <p>Each method writes and reads its own part ({@code FineTuningMethod#adapterState}, its
 * {@code MethodType#fromAdapterConfig}); the file's {@code peft_type} finds the method in the
 * {@link FineTuningMethods registry}, so a method defined outside this library saves and loads
 * the same way once registered. {@link #save(SequenceClassifier, Path)} saves exactly the method
 * applied to the model ({@link SequenceClassifier#appliedMethods()}).
 *
 * <p>The head is listed in {@code modules_to_save} and saved under the keys PEFT writes for it:
 * {@code base_model.model.classifier.weight} (prompt and prefix tuning: {@code
 * base_model.classifier.weight}), the pooler as {@code base_model.model.bert.pooler.dense.weight};
 * keys with PEFT's in-memory {@code .modules_to_save[.default]} segment load too. Loading checks
 * every shape before it changes the model, then re-creates the method on the model and copies the
 * values; a mismatch names the key, the file's shape and the model's.
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.lora().r(8)).fit(train, dev);
 * AdapterCheckpoint.save(model, Path.of("runs/sst2-lora"));     // what was applied: LoRA + head
 * try (var fresh = Encoders.load(base).forSequenceClassification(2)) {
 *   AdapterCheckpoint.load(fresh, Path.of("runs/sst2-lora"));   // injects LoRA, copies weights
 * }
 * }</pre>
 */
public final class AdapterCheckpoint {

  /** The configuration file name. */
  public static final String CONFIG = MethodCheckpoint.CONFIG;
  /** The weights file name. */
  public static final String WEIGHTS = MethodCheckpoint.WEIGHTS;
  /** PEFT's key for prompt and prefix tuning tables. */
  public static final String PROMPT_EMBEDDINGS = PromptTuning.SAVED_NAME;

  private AdapterCheckpoint() {}

  /**
   * Writes the method applied to the model (through {@code FineTune} or {@code model.apply}) and
   * the head.
   *
   * @param model a model with one adapter method applied
   * @param dir the folder (created if needed)
   * @throws IllegalStateException when nothing saveable was applied (none, or only methods that
   *     train base weights, which need {@code SequenceClassifier.save}), or several methods were
   *     (save one with {@link #save(SequenceClassifier, ModelTransform, Path)})
   */
  public static void save(SequenceClassifier model, Path dir) {
    MethodCheckpoint.save(model, dir);
  }

  /**
   * Writes what a method trained on this model and the head.
   *
   * @param model the model the method was applied to
   * @param method the configuration that was applied: any registered method with adapter
   *     checkpoints ({@link Lora}, whose {@link Lora#name()} chooses the adapter, {@link Ia3},
   *     {@link PromptTuning}, {@link PrefixTuning}, {@link Adapters}, {@link BitFit}, ...)
   * @param dir the folder (created if needed)
   * @throws IllegalArgumentException for a transform without adapter checkpoints (such as
   *     {@link Selective}, which needs the whole model: {@code SequenceClassifier.save})
   * @throws IllegalStateException when the method is not installed on the model
   */
  public static void save(SequenceClassifier model, ModelTransform method, Path dir) {
    MethodCheckpoint.save(model, method, dir);
  }

  /**
   * Reads an adapter checkpoint, applies its method to the model (LoRA as the unnamed adapter)
   * and copies its values and the head.
   *
   * @param model a model of the base the adapter was trained on, without the method
   * @param dir the folder with {@value #CONFIG} and {@value #WEIGHTS}
   * @return the method it applied (e.g. a {@link Lora}; {@code LoraLayers.of(model)} then
   *     merges or switches it)
   * @throws IllegalArgumentException naming the file, key and shapes when they do not fit, or
   *     the {@code peft_type} when it is not supported; the model is then unchanged
   */
  public static ModelTransform load(SequenceClassifier model, Path dir) {
    return MethodCheckpoint.load(model, dir);
  }

  /**
   * Reads a LoRA checkpoint as a named adapter, beside the adapters the model already has
   * (switch with {@link LoraLayers#activate}); the head is replaced by the checkpoint's.
   *
   * @param model a model of the base the adapter was trained on
   * @param dir the folder with {@value #CONFIG} and {@value #WEIGHTS}
   * @param adapterName the LoRA adapter name to install it under
   * @return the LoRA configuration it applied
   * @throws IllegalArgumentException as {@link #load(SequenceClassifier, Path)}, and for a name
   *     given to a method other than LoRA
   */
  public static ModelTransform load(SequenceClassifier model, Path dir, String adapterName) {
    if (Lora.DEFAULT_NAME.equals(adapterName)) {
      return MethodCheckpoint.load(model, dir);
    }
    Optional<String> type = peftType(dir);
    if (type.isPresent() && !"LORA".equals(type.get())) {
      throw new IllegalArgumentException("adapter name '" + adapterName + "' given for a "
          + type.get() + " checkpoint; only LoRA adapters can be named");
    }
    return MethodCheckpoint.load(model, dir, adapterName);
  }

  /** The checkpoint's peft_type; empty when the file is missing or unreadable (load says why). */
  private static Optional<String> peftType(Path dir) {
    try {
      var o = JsonParser.parseString(Files.readString(dir.resolve(CONFIG))).getAsJsonObject();
      return Optional.of(o.has("peft_type") ? o.get("peft_type").getAsString() : "(none)");
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
