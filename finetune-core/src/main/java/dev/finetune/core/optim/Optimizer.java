package dev.finetune.core.optim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;

/**
 * Updates parameters in place from their gradients, keeping per-parameter state keyed by the
 * parameter's name. State is created lazily at a parameter's first update (a parameter unfrozen
 * later starts with fresh state and its own step count, as in PyTorch). Updates run with autograd
 * recording switched off, so a step may be called inside a {@code GradientCollector}. The
 * optimizer never zeroes gradients; the trainer does.
 *
 * <pre>{@code
 * try (Optimizer optimizer = Optimizers.adamW().weightDecay(0.01).create(manager)) {
 *   optimizer.step(List.of(new ParameterUpdate(name, w, w.getGradient(), 2e-5, 0.01)));
 *   optimizer.saveState(checkpointDir.resolve("optimizer.bin"));
 * }
 * }</pre>
 */
public interface Optimizer extends AutoCloseable {

  /**
   * The spec this optimizer was built from.
   *
   * @return the spec
   */
  OptimizerSpec spec();

  /**
   * Applies one update to each listed parameter, in place.
   *
   * @param updates the parameters of this step with their gradients, learning rates and weight
   *     decays; names must be distinct
   * @throws IllegalArgumentException on a duplicate name or a parameter whose shape does not match
   *     its saved state
   */
  void step(List<ParameterUpdate> updates);

  /**
   * How many updates the named parameter has received (0 if none).
   *
   * @param parameterName the parameter's name
   * @return the parameter's step count
   */
  long stepCount(String parameterName);

  /**
   * The names of the parameters that have state.
   *
   * @return an unmodifiable snapshot of the names, in first-update order
   */
  Set<String> parameterNames();

  /**
   * Drops the state of one parameter, so its next update starts afresh (e.g. after
   * re-initialising it). Unknown names are ignored.
   *
   * @param parameterName the parameter's name
   */
  void resetState(String parameterName);

  /**
   * Writes the whole state (step counts and buffers, bit-exact) to a stream.
   *
   * @param out the stream, left open
   * @throws IOException if writing fails
   */
  void saveState(OutputStream out) throws IOException;

  /**
   * Replaces the whole state with one written by {@link #saveState(OutputStream)} from an
   * optimizer of the same algorithm; continued updates are bit-identical to an uninterrupted run.
   *
   * @param in the stream, left open
   * @throws IOException if reading fails or the data is not optimizer state of this algorithm
   */
  void loadState(InputStream in) throws IOException;

  /**
   * Writes the state to a file atomically (a temporary file beside it, then a rename).
   *
   * @param file the target file; its directory must exist
   * @throws IOException if writing fails; the previous file, if any, is left intact
   */
  default void saveState(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path temp = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".tmp");
    try {
      try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(temp))) {
        saveState(out);
      }
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Replaces the state with the one saved in a file by {@link #saveState(Path)}.
   *
   * @param file the file
   * @throws IOException if reading fails or the file is not optimizer state of this algorithm
   */
  default void loadState(Path file) throws IOException {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      loadState(in);
    } catch (IOException e) {
      throw new IOException("cannot load optimizer state from " + file + ": " + e.getMessage(), e);
    }
  }

  /** Frees the optimizer's state. */
  @Override
  void close();
}
