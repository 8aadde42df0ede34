package dev.finetune.schedules;

import java.util.Collection;
import java.util.Objects;

/**
 * Where a parameter sits in an encoder: its Hugging Face name, its layer index and its role.
 *
 * <p>Layer indices: {@link #EMBEDDINGS} (-1, the bottom) for the embeddings, {@code 0..L-1} for
 * encoder layers, {@link #HEAD} ({@code Integer.MAX_VALUE}, the top) for pooler and classifier.
 * LR policies, weight-decay rules and unfreeze schedules are defined over this type alone, so this
 * module knows nothing of DJL; {@code finetune-core} maps its parameters onto it.
 *
 * <pre>{@code
 * var q = new ParameterAddress("encoder.layer.3.attention.self.query.weight", 3,
 *     ParameterRole.ATTENTION);
 * q.isBias();          // false
 * q.isEncoderLayer();  // true
 * }</pre>
 *
 * @param name the Hugging Face parameter name, e.g. {@code encoder.layer.3.attention.self.query.weight}
 * @param layer the layer index: -1 for embeddings, 0..L-1, or {@link #HEAD}
 * @param role what the parameter does
 */
public record ParameterAddress(String name, int layer, ParameterRole role) {

  /** Layer index of the embeddings (the bottom of the model). */
  public static final int EMBEDDINGS = -1;

  /** Layer index of the task head (pooler, classifier: the top of the model). */
  public static final int HEAD = Integer.MAX_VALUE;

  /**
   * Validates the address.
   *
   * @throws IllegalArgumentException when the name is blank, the layer is below -1, or the role
   *     is the selection-only {@link ParameterRole#BIAS}
   */
  public ParameterAddress {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    if (name.isBlank()) {
      throw new IllegalArgumentException("parameter name must not be blank");
    }
    if (layer < EMBEDDINGS) {
      throw new IllegalArgumentException(
          "layer of " + name + " must be -1 (embeddings), 0..L-1 or HEAD, got " + layer);
    }
    if (role == ParameterRole.BIAS) {
      throw new IllegalArgumentException(
          "BIAS is a selection role; give " + name + " the role of its module (isBias() is derived)");
    }
  }

  /**
   * Tells whether this is a bias (its name ends with {@code bias}).
   *
   * @return true for biases, including LayerNorm biases
   */
  public boolean isBias() {
    return name.endsWith(".bias") || name.equals("bias");
  }

  /**
   * Tells whether the address has a role, treating {@link ParameterRole#BIAS} as "is a bias".
   *
   * @param wanted the role to test
   * @return true when the address has that role
   */
  public boolean hasRole(ParameterRole wanted) {
    return wanted == ParameterRole.BIAS ? isBias() : role == wanted;
  }

  /**
   * Tells whether the parameter belongs to the embeddings.
   *
   * @return true for layer {@link #EMBEDDINGS}
   */
  public boolean isEmbeddings() {
    return layer == EMBEDDINGS;
  }

  /**
   * Tells whether the parameter belongs to the task head.
   *
   * @return true for layer {@link #HEAD}
   */
  public boolean isHead() {
    return layer == HEAD;
  }

  /**
   * Tells whether the parameter belongs to an encoder layer.
   *
   * @return true for layers 0..L-1
   */
  public boolean isEncoderLayer() {
    return layer >= 0 && layer != HEAD;
  }

  /**
   * Tells how many groups below the top this parameter sits, the unit of layer-wise LR decay and
   * gradual unfreezing: the head is 0, encoder layer {@code l} is {@code L - l} (the top layer is
   * 1), the embeddings are {@code L + 1}.
   *
   * @param numLayers the number of encoder layers {@code L}
   * @return the depth from the top, in {@code [0, L + 1]}
   * @throws IllegalArgumentException when the layer index is not below {@code numLayers}
   */
  public int depth(int numLayers) {
    if (numLayers < 0) {
      throw new IllegalArgumentException("numLayers=" + numLayers + " is out of range; allowed >= 0");
    }
    if (isHead()) {
      return 0;
    }
    if (isEmbeddings()) {
      return numLayers + 1;
    }
    if (layer >= numLayers) {
      throw new IllegalArgumentException(
          "layer of " + name + " is " + layer + ", but the model has numLayers=" + numLayers
              + "; allowed 0.." + (numLayers - 1) + ", -1 (embeddings) or HEAD");
    }
    return numLayers - layer;
  }

  /**
   * Counts the encoder layers of a model from its parameter addresses: the highest encoder-layer
   * index plus one (0 when there is none).
   *
   * @param addresses every parameter of the model
   * @return the number of encoder layers {@code L}
   */
  public static int numLayers(Collection<ParameterAddress> addresses) {
    int max = -1;
    for (ParameterAddress a : addresses) {
      if (a.isEncoderLayer()) {
        max = Math.max(max, a.layer());
      }
    }
    return max + 1;
  }
}
