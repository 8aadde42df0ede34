package dev.finetune.core.checkpoint;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Recovers Hugging Face weights from an ONNX export of a BERT model (as made by
 * {@code torch.onnx.export} / Optimum): initializers that already carry Hugging Face names are
 * copied; anonymous {@code onnx::MatMul_*} weights are named after the MatMul node that uses them
 * ({@code /encoder/layer.0/attention/self/query/MatMul} gives
 * {@code encoder.layer.0.attention.self.query.weight}) and transposed from [in, out] to [out, in].
 *
 * <pre>{@code
 * Map<String, HostTensor> weights = OnnxBertImport.toHuggingFace(OnnxGraph.parse(bytes, "model.onnx"));
 * }</pre>
 */
public final class OnnxBertImport {

  private static final List<String> HF_ROOTS = List.of("embeddings.", "encoder.", "pooler.");

  private OnnxBertImport() {}

  /**
   * Maps every float initializer to its Hugging Face name.
   *
   * @param graph the parsed ONNX graph
   * @return weights by Hugging Face name, sorted by name
   * @throws CheckpointException when an initializer cannot be named or a name is used twice
   */
  public static Map<String, HostTensor> toHuggingFace(OnnxGraph graph) {
    Map<String, HostTensor> initializers = graph.initializers();
    Map<String, HostTensor> out = new TreeMap<>();
    Set<String> consumed = new HashSet<>();
    for (OnnxGraph.Node node : graph.nodes()) {
      if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
        continue;
      }
      String weight = node.inputs().get(1);
      HostTensor tensor = initializers.get(weight);
      if (tensor == null || HF_ROOTS.stream().anyMatch(weight::startsWith)) {
        continue;
      }
      String hfName = moduleName(node.name()) + ".weight";
      if (!consumed.add(weight)) {
        throw new CheckpointException(
            "ONNX initializer " + weight + " feeds more than one MatMul; cannot name it");
      }
      put(out, hfName, tensor.transpose2d(), weight);
    }
    for (Map.Entry<String, HostTensor> e : initializers.entrySet()) {
      if (consumed.contains(e.getKey())) {
        continue;
      }
      if (HF_ROOTS.stream().noneMatch(e.getKey()::startsWith)) {
        throw new CheckpointException(
            "ONNX initializer "
                + e.getKey()
                + " "
                + e.getValue()
                + " has no Hugging Face name and no MatMul node names it");
      }
      put(out, e.getKey(), e.getValue(), e.getKey());
    }
    return out;
  }

  private static void put(Map<String, HostTensor> out, String name, HostTensor t, String source) {
    if (out.put(name, t) != null) {
      throw new CheckpointException(
          "two ONNX initializers map to " + name + " (the second is " + source + ")");
    }
  }

  /**
   * Turns a MatMul node name into the module's Hugging Face name.
   *
   * @param nodeName e.g. {@code /encoder/layer.0/attention/self/query/MatMul}
   * @return e.g. {@code encoder.layer.0.attention.self.query}
   */
  static String moduleName(String nodeName) {
    String name = nodeName.startsWith("/") ? nodeName.substring(1) : nodeName;
    int cut = name.lastIndexOf('/');
    if (cut <= 0 || !name.substring(cut + 1).startsWith("MatMul")) {
      throw new CheckpointException(
          "MatMul node \"" + nodeName + "\" does not follow the /module/path/MatMul naming");
    }
    return name.substring(0, cut).replace('/', '.');
  }
}
