package dev.finetune.schedules;

import java.util.ArrayList;
import java.util.List;

/** A small BERT-like parameter list for tests (L encoder layers, HF names). */
public final class Bert {

  private Bert() {}

  /**
   * Lists the addresses of a BERT with L layers.
   *
   * @param numLayers L
   * @return embeddings, per-layer attention/FFN/LayerNorm weights and biases, pooler, classifier
   */
  public static List<ParameterAddress> addresses(int numLayers) {
    List<ParameterAddress> a = new ArrayList<>();
    a.add(new ParameterAddress("embeddings.word_embeddings.weight", -1, ParameterRole.EMBEDDING));
    a.add(new ParameterAddress("embeddings.LayerNorm.weight", -1, ParameterRole.LAYER_NORM));
    a.add(new ParameterAddress("embeddings.LayerNorm.bias", -1, ParameterRole.LAYER_NORM));
    for (int l = 0; l < numLayers; l++) {
      String p = "encoder.layer." + l + ".";
      a.add(new ParameterAddress(p + "attention.self.query.weight", l, ParameterRole.ATTENTION));
      a.add(new ParameterAddress(p + "attention.self.query.bias", l, ParameterRole.ATTENTION));
      a.add(new ParameterAddress(p + "attention.self.value.weight", l, ParameterRole.ATTENTION));
      a.add(new ParameterAddress(p + "attention.output.dense.weight", l, ParameterRole.ATTENTION));
      a.add(new ParameterAddress(p + "attention.output.LayerNorm.weight", l, ParameterRole.LAYER_NORM));
      a.add(new ParameterAddress(p + "intermediate.dense.weight", l, ParameterRole.FFN));
      a.add(new ParameterAddress(p + "output.dense.bias", l, ParameterRole.FFN));
    }
    a.add(new ParameterAddress("pooler.dense.weight", ParameterAddress.HEAD, ParameterRole.HEAD));
    a.add(new ParameterAddress("classifier.weight", ParameterAddress.HEAD, ParameterRole.HEAD));
    a.add(new ParameterAddress("classifier.bias", ParameterAddress.HEAD, ParameterRole.HEAD));
    return a;
  }

  /**
   * Finds an address by name.
   *
   * @param all the addresses
   * @param name the HF name
   * @return the address
   */
  public static ParameterAddress named(List<ParameterAddress> all, String name) {
    return all.stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
  }
}
