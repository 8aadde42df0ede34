package dev.finetune.peft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import dev.finetune.core.model.Scalars;
import dev.finetune.core.model.ForwardContext;
import dev.finetune.core.model.Projection;
import dev.finetune.core.model.ProjectionWrapper;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The LoRA branch(es) of one projection: named adapters, which are active, which are merged. */
final class LoraWrapper implements ProjectionWrapper {

  /** One adapter's configuration and matrices. */
  record Adapter(Lora config, Parameter a, Parameter b) {}

  private final Projection projection;
  private final Map<String, Adapter> adapters = new LinkedHashMap<>();
  private final Set<String> active = new LinkedHashSet<>();
  private final Set<String> merged = new LinkedHashSet<>();

  private LoraWrapper(Projection projection) {
    this.projection = projection;
  }

  /** Fails, before anything changes, when an adapter of that name cannot go on the projection. */
  static void checkCanAdd(Projection p, String name) {
    var current = p.wrapper();
    if (current.isPresent() && current.get() instanceof LoraWrapper w) {
      w.checkFree(name);
    } else if (current.isPresent()) {
      on(p);
    }
  }

  /** The LoRA wrapper of a projection, installing one when it has none. */
  static LoraWrapper on(Projection p) {
    var current = p.wrapper();
    if (current.isEmpty()) {
      LoraWrapper w = new LoraWrapper(p);
      p.wrap(w);
      return w;
    }
    if (current.get() instanceof LoraWrapper w) {
      return w;
    }
    throw new IllegalStateException(
        "cannot add LoRA to " + p.name() + ": it is already wrapped by "
            + current.get().getClass().getSimpleName()
            + " (another method such as IA3); choose other targets for one of them");
  }

  synchronized void checkFree(String name) {
    if (adapters.containsKey(name)) {
      throw new IllegalStateException(
          "a LoRA adapter named '" + name + "' is already on " + projection.name()
              + "; give the second LoRA another name with .name(\"...\")");
    }
  }

  synchronized void add(String name, Adapter adapter) {
    checkFree(name);
    adapters.put(name, adapter);
    active.add(name);
  }

  @Override
  public NDArray forward(ForwardContext ctx, Projection base, NDArray x) {
    NDArray out = base.base(ctx, x);
    for (Map.Entry<String, Adapter> e : adapters.entrySet()) {
      String name = e.getKey();
      if (!active.contains(name) || merged.contains(name)) {
        continue;
      }
      Adapter a = e.getValue();
      NDArray in = ctx.dropout(x, a.config().dropoutRate());
      NDArray low = Linear.linear(in, ctx.value(a.a())).singletonOrThrow();
      NDArray up = Linear.linear(low, ctx.value(a.b())).singletonOrThrow();
      double scaling = a.config().scaling();
      // alpha = r gives scaling 1: skip the multiply (and its backward), an exact no-op
      out = out.add(scaling == 1.0 ? up : up.mul(Scalars.like(up, scaling)));
    }
    return out;
  }

  Projection projection() {
    return projection;
  }

  synchronized Map<String, Adapter> adapters() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(adapters));
  }

  synchronized Set<String> active() {
    return Set.copyOf(active);
  }

  synchronized boolean isMerged(String name) {
    return merged.contains(name);
  }

  synchronized void activate(Set<String> names) {
    if (!merged.isEmpty()) {
      throw new IllegalStateException("unmerge() before switching adapters on " + projection.name());
    }
    active.clear();
    for (String n : names) {
      if (adapters.containsKey(n)) {
        active.add(n);
      }
    }
  }

  /** W += s·B·A for every active, unmerged adapter. */
  synchronized void merge() {
    for (String name : active) {
      if (merged.add(name)) {
        shift(adapters.get(name), 1f);
      }
    }
  }

  /** W -= s·B·A for every merged adapter. */
  synchronized void unmerge() {
    for (String name : merged) {
      shift(adapters.get(name), -1f);
    }
    merged.clear();
  }

  /** W + s·B·A for one adapter, computed as {@link #merge} does, without changing W. */
  synchronized dev.finetune.core.checkpoint.HostTensor mergedWeight(String name) {
    Adapter a = adapters.get(name);
    NDArray w = projection.weight().getArray();
    try (NDManager scope = w.getManager().newSubManager()) {
      NDArray product = a.b().getArray().matMul(a.a().getArray());
      product.attach(scope);
      NDArray delta = product.mul((float) a.config().scaling());
      delta.attach(scope);
      NDArray sum = w.add(delta);
      sum.attach(scope);
      return dev.finetune.core.checkpoint.HostTensor.of(sum);
    }
  }

  private void shift(Adapter a, float sign) {
    NDArray w = projection.weight().getArray();
    try (NDManager scope = w.getManager().newSubManager()) {
      NDArray product = a.b().getArray().matMul(a.a().getArray());
      product.attach(scope);
      NDArray delta = product.mul((float) a.config().scaling() * sign);
      delta.attach(scope);
      w.addi(delta);
    }
  }
}
