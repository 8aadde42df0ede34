package dev.finetune.core.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.finetune.core.model.ModelTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the weights of a Hugging Face model folder: {@code model.safetensors}, or shards listed in
 * {@code model.safetensors.index.json}. Names lose the base-model prefix ({@code bert.},
 * {@code roberta.}, ...: every registered family's {@link ModelTypes#checkpointPrefixes()}) that
 * checkpoints saved with a task head carry, and LayerNorm parameters saved under TensorFlow's
 * legacy names ({@code LayerNorm.gamma}, {@code LayerNorm.beta}: the Hub's own
 * {@code bert-base-uncased}) get their PyTorch names ({@code weight}, {@code bias}), as
 * {@code transformers} renames them on load.
 *
 * <pre>{@code
 * Map<String, HostTensor> weights = HfCheckpoint.readWeights(Path.of("models/bert"));
 * }</pre>
 */
public final class HfCheckpoint {

  private HfCheckpoint() {}

  /**
   * Reads every weight tensor of a model folder, prefixes stripped, in file order.
   *
   * @param dir the model folder
   * @return tensors by Hugging Face name
   * @throws CheckpointException when the folder, the weights or a shard is missing or corrupt
   */
  public static Map<String, HostTensor> readWeights(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("model folder not found: " + dir.toAbsolutePath());
    }
    Path index = dir.resolve("model.safetensors.index.json");
    Path single = dir.resolve("model.safetensors");
    Map<String, HostTensor> raw;
    if (Files.exists(index)) {
      raw = readSharded(dir, index);
    } else if (Files.exists(single)) {
      raw = SafeTensors.read(single);
    } else if (Files.exists(dir.resolve("pytorch_model.bin"))) {
      throw new CheckpointException(
          dir
              + " holds pytorch_model.bin (a pickle) but no model.safetensors; convert it in Python: "
              + "AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)");
    } else {
      throw new CheckpointException(
          "no model.safetensors (or model.safetensors.index.json) in " + dir.toAbsolutePath());
    }
    List<String> prefixes = ModelTypes.checkpointPrefixes();
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, HostTensor> e : raw.entrySet()) {
      String name = legacyName(stripPrefix(e.getKey(), prefixes));
      if (out.put(name, e.getValue()) != null) {
        throw new CheckpointException(
            dir
                + ": tensor "
                + name
                + " appears twice (with and without a base-model prefix, or under its legacy"
                + " gamma/beta name and its weight/bias name)");
      }
    }
    return out;
  }

  /**
   * Removes a leading base-model prefix of a registered family ({@code bert.}, {@code roberta.},
   * ...).
   *
   * @param name a checkpoint tensor name
   * @return the base-model name
   */
  public static String stripPrefix(String name) {
    return stripPrefix(name, ModelTypes.checkpointPrefixes());
  }

  /**
   * The PyTorch name of a LayerNorm parameter saved under its legacy TensorFlow name.
   *
   * @param name a tensor name
   * @return {@code ...LayerNorm.weight} for {@code ...LayerNorm.gamma}, {@code ...LayerNorm.bias}
   *     for {@code ...LayerNorm.beta} (any module whose name contains {@code norm}); else the name
   */
  public static String legacyName(String name) {
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || !name.substring(0, dot).toLowerCase(java.util.Locale.ROOT).contains("norm")) {
      return name;
    }
    String last = name.substring(dot + 1);
    return switch (last) {
      case "gamma" -> name.substring(0, dot) + ".weight";
      case "beta" -> name.substring(0, dot) + ".bias";
      default -> name;
    };
  }

  private static String stripPrefix(String name, List<String> prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return name.substring(prefix.length());
      }
    }
    return name;
  }

  private static Map<String, HostTensor> readSharded(Path dir, Path index) {
    JsonObject weightMap;
    try {
      JsonElement root = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8));
      weightMap = root.getAsJsonObject().getAsJsonObject("weight_map");
      if (weightMap == null) {
        throw new CheckpointException(index + " has no \"weight_map\" object");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + index, e);
    } catch (JsonParseException | IllegalStateException | ClassCastException e) {
      throw new CheckpointException(index + " is not a valid safetensors index: " + e.getMessage(), e);
    }
    Map<String, List<String>> byFile = new TreeMap<>();
    for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
      byFile
          .computeIfAbsent(e.getValue().getAsString(), k -> new java.util.ArrayList<>())
          .add(e.getKey());
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> shard : byFile.entrySet()) {
      Path file = dir.resolve(shard.getKey()).normalize();
      if (!file.startsWith(dir.normalize())) {
        throw new CheckpointException(index + " names a shard outside the folder: " + shard.getKey());
      }
      if (!Files.exists(file)) {
        throw new CheckpointException("shard " + file + " listed in " + index + " is missing");
      }
      Map<String, HostTensor> tensors = SafeTensors.read(file);
      for (String name : shard.getValue()) {
        HostTensor t = tensors.get(name);
        if (t == null) {
          throw new CheckpointException(
              index + " maps " + name + " to " + shard.getKey() + ", which does not contain it");
        }
        out.put(name, t);
      }
    }
    return out;
  }
}
