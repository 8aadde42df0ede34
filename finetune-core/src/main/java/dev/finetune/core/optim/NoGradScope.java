package dev.finetune.core.optim;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches PyTorch's autograd recording off on the current thread until closed, then restores
 * the previous mode. In-place updates of parameters that require gradients fail in PyTorch while
 * recording is on (for example inside a {@code GradientCollector}, or on a thread other than the
 * one that started the engine, since the mode is thread-local). A no-op on other engines.
 *
 * <pre>{@code
 * NoGradScope.run(() -> weight.subi(update));
 * // or
 * NoGradScope scope = NoGradScope.enter();
 * try {
 *   weight.subi(update);
 * } finally {
 *   scope.close();
 * }
 * }</pre>
 */
public final class NoGradScope implements AutoCloseable {

  private final boolean restore;

  private NoGradScope(boolean restore) {
    this.restore = restore;
  }

  /**
   * Switches recording off on this thread.
   *
   * @return the scope to close when done
   */
  public static NoGradScope enter() {
    if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
      return new NoGradScope(false);
    }
    boolean wasOn = JniUtils.isGradMode();
    if (wasOn) {
      JniUtils.setGradMode(false);
    }
    return new NoGradScope(wasOn);
  }

  /**
   * Runs an action with recording switched off on this thread.
   *
   * @param action the action
   */
  public static void run(Runnable action) {
    NoGradScope scope = enter();
    try {
      action.run();
    } finally {
      scope.close();
    }
  }

  /** Restores the recording mode found by {@link #enter()}. */
  @Override
  public void close() {
    if (restore) {
      JniUtils.setGradMode(true);
    }
  }
}
