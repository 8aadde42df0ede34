package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.checkpoint.HostTensor;
import dev.finetune.core.params.ModelParameter;
import dev.finetune.core.params.ModelParameters;
import dev.finetune.core.params.ParameterAddresses;
import dev.finetune.core.params.SeededInit;
import dev.finetune.schedules.ParameterAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates a model's parameters by Hugging Face name: from loaded weights when present (shape
 * checked), else freshly initialised (seeded); registers each in the model's parameter list.
 */
final class ParameterFactory {

  private final NDManager manager;
  private final Map<String, HostTensor> weights;
  private final long seed;
  private final double initializerRange;
  private final EncoderConfig config;
  private final ModelParameters registry;
  private final List<String> fresh = new ArrayList<>();
  private final Set<String> used = new HashSet<>();

  ParameterFactory(
      NDManager manager,
      Map<String, HostTensor> weights,
      long seed,
      EncoderConfig config,
      ModelParameters registry) {
    this.manager = manager;
    this.weights = weights;
    this.seed = seed;
    this.config = config;
    this.initializerRange = config.initializerRange();
    this.registry = registry;
  }

  Parameter create(String name, long... shape) {
    HostTensor loaded = weights.get(name);
    NDArray array;
    if (loaded != null) {
      checkShape(name, loaded, shape);
      array = loaded.toNDArray(manager);
      used.add(name);
    } else {
      array = manager.create(initial(name, shape), new Shape(shape));
      fresh.add(name);
    }
    return register(name, array);
  }

  /** Creates a parameter initialised fresh even when weights hold one by that name. */
  Parameter createFresh(String name, long... shape) {
    NDArray array = manager.create(initial(name, shape), new Shape(shape));
    fresh.add(name);
    return register(name, array);
  }

  /** The family's own values for the parameter, else Hugging Face's seeded BERT initialisation. */
  private float[] initial(String name, long... shape) {
    float[] own = config.modelType().initialValues(config, name, shape);
    if (own != null) {
      return own;
    }
    return SeededInit.bertStyle(seed, name, (int) new Shape(shape).size(), initializerRange);
  }

  private Parameter register(String name, NDArray array) {
    Parameter.Type type =
        ParameterAddresses.roleOf(name) == dev.finetune.schedules.ParameterRole.LAYER_NORM
            ? (name.endsWith("bias") ? Parameter.Type.BETA : Parameter.Type.GAMMA)
            : (name.endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT);
    Parameter parameter = Parameter.builder().setName(name).setType(type).build();
    parameter.setArray(array);
    boolean fixed = config.modelType().isFixed(config, name);
    parameter.freeze(fixed);
    ParameterAddress address = ParameterAddresses.of(name);
    if (config.modelType().encoderTopModules().stream().anyMatch(name::startsWith)) {
      address = new ParameterAddress(name, config.distinctLayers() - 1, address.role());
    }
    ModelParameter added = new ModelParameter(name, address, parameter);
    if (fixed) {
      registry.addFixed(added);
    } else {
      registry.add(added);
    }
    return parameter;
  }

  static void checkShape(String name, HostTensor tensor, long... expected) {
    if (!tensor.hasShape(expected)) {
      throw new CheckpointException(
          "tensor "
              + name
              + " has shape "
              + Arrays.toString(tensor.shape())
              + " but the model expects "
              + Arrays.toString(expected)
              + "; the weights do not match config.json");
    }
  }

  List<String> fresh() {
    return List.copyOf(fresh);
  }

  Set<String> used() {
    return Set.copyOf(used);
  }
}
