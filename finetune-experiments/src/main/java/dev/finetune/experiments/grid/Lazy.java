package dev.finetune.experiments.grid;

import java.util.Objects;
import java.util.function.Supplier;

/** A supplier that computes its value once, on first use. */
final class Lazy<T> implements Supplier<T> {

  private final Supplier<T> loader;
  private T value;

  private Lazy(Supplier<T> loader) {
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  static <T> Lazy<T> of(Supplier<T> loader) {
    return loader instanceof Lazy<T> lazy ? lazy : new Lazy<>(loader);
  }

  @Override
  public synchronized T get() {
    if (value == null) {
      value = Objects.requireNonNull(loader.get(), "the loader returned null");
    }
    return value;
  }
}
