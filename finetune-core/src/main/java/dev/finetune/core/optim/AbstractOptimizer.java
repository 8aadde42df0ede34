package dev.finetune.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** State bookkeeping, validation, no-grad scoping and state I/O shared by the optimizers. */
abstract class AbstractOptimizer implements Optimizer {

  private static final String MAGIC = "finetune-optimizer-state";
  private static final int FORMAT_VERSION = 1;

  /** Step count and buffers of one parameter; a buffer may be null until first needed. */
  static final class ParameterState {
    long steps;
    final NDArray[] buffers;

    ParameterState(int bufferCount) {
      this.buffers = new NDArray[bufferCount];
    }

    void close() {
      for (NDArray buffer : buffers) {
        if (buffer != null) {
          buffer.close();
        }
      }
    }
  }

  final NDManager stateManager;
  private final Map<String, ParameterState> states = new LinkedHashMap<>();
  private boolean closed;

  AbstractOptimizer(NDManager manager) {
    this.stateManager = manager.newSubManager();
    this.stateManager.setName("optimizer-state");
  }

  /** Number of state buffers per parameter. */
  abstract int bufferCount();

  /** Creates the buffers a fresh parameter needs before its first update (may leave them null). */
  abstract void initialise(ParameterState state, ParameterUpdate update);

  /** Applies one update; {@code state.steps} already counts this step. */
  abstract void update(ParameterUpdate update, ParameterState state);

  @Override
  public final void step(List<ParameterUpdate> updates) {
    ensureOpen();
    Set<String> seen = new HashSet<>();
    for (ParameterUpdate update : updates) {
      if (!seen.add(update.name())) {
        throw new IllegalArgumentException(
            "parameter '" + update.name() + "' appears twice in one optimizer step");
      }
    }
    NoGradScope scope = NoGradScope.enter();
    try {
      for (ParameterUpdate update : updates) {
        ParameterState state = states.get(update.name());
        if (state == null) {
          state = new ParameterState(bufferCount());
          initialise(state, update);
          states.put(update.name(), state);
        } else {
          align(update, state);
        }
        state.steps++;
        update(update, state);
      }
    } finally {
      scope.close();
    }
  }

  /** Checks a known parameter's shape against its state and moves the state to its device. */
  private void align(ParameterUpdate update, ParameterState state) {
    NDArray weight = update.weight();
    for (int i = 0; i < state.buffers.length; i++) {
      NDArray buffer = state.buffers[i];
      if (buffer == null) {
        continue;
      }
      if (!buffer.getShape().equals(weight.getShape())) {
        throw new IllegalArgumentException(
            "optimizer state of parameter '"
                + update.name()
                + "' has shape "
                + buffer.getShape()
                + " but the parameter has shape "
                + weight.getShape()
                + ": was the state saved for another model? Call resetState(name) to start afresh");
      }
      if (!buffer.getDevice().equals(weight.getDevice())) {
        NDArray moved = buffer.toDevice(weight.getDevice(), true);
        moved.attach(stateManager);
        buffer.close();
        state.buffers[i] = moved;
      }
    }
  }

  /** A zero buffer shaped like the weight, owned by the optimizer. */
  NDArray zerosLike(NDArray weight) {
    return stateManager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
  }

  /** A copy of {@code array} owned by the optimizer. */
  NDArray copyOf(NDArray array) {
    NDArray copy = array.duplicate();
    copy.attach(stateManager);
    return copy;
  }

  @Override
  public long stepCount(String parameterName) {
    ParameterState state = states.get(parameterName);
    return state == null ? 0 : state.steps;
  }

  @Override
  public Set<String> parameterNames() {
    return Collections.unmodifiableSet(new LinkedHashSet<>(states.keySet()));
  }

  @Override
  public void resetState(String parameterName) {
    ParameterState state = states.remove(parameterName);
    if (state != null) {
      state.close();
    }
  }

  @Override
  public void saveState(OutputStream out) throws IOException {
    ensureOpen();
    DataOutputStream data = new DataOutputStream(out);
    data.writeUTF(MAGIC);
    data.writeInt(FORMAT_VERSION);
    data.writeUTF(spec().algorithm());
    data.writeInt(bufferCount());
    data.writeInt(states.size());
    for (Map.Entry<String, ParameterState> entry : states.entrySet()) {
      data.writeUTF(entry.getKey());
      data.writeLong(entry.getValue().steps);
      for (NDArray buffer : entry.getValue().buffers) {
        if (buffer == null) {
          data.writeInt(-1);
        } else {
          byte[] bytes = buffer.encode();
          data.writeInt(bytes.length);
          data.write(bytes);
        }
      }
    }
    data.flush();
  }

  @Override
  public void loadState(InputStream in) throws IOException {
    ensureOpen();
    DataInputStream data = new DataInputStream(in);
    String magic;
    try {
      magic = data.readUTF();
    } catch (IOException e) {
      throw new IOException("not optimizer state (unreadable header)", e);
    }
    if (!MAGIC.equals(magic)) {
      throw new IOException("not optimizer state: header '" + magic + "'");
    }
    int version = data.readInt();
    if (version != FORMAT_VERSION) {
      throw new IOException(
          "optimizer state format " + version + " is not supported (expected " + FORMAT_VERSION + ")");
    }
    String algorithm = data.readUTF();
    int buffers = data.readInt();
    if (!algorithm.equals(spec().algorithm()) || buffers != bufferCount()) {
      throw new IOException(
          "optimizer state was saved by '"
              + algorithm
              + "' with "
              + buffers
              + " buffer(s) per parameter but this optimizer is "
              + spec()
              + ": resume with the same optimizer settings");
    }
    int count = data.readInt();
    Map<String, ParameterState> loaded = new LinkedHashMap<>();
    try {
      for (int p = 0; p < count; p++) {
        String name = data.readUTF();
        ParameterState state = new ParameterState(buffers);
        loaded.put(name, state);
        state.steps = data.readLong();
        for (int i = 0; i < buffers; i++) {
          int length = data.readInt();
          if (length >= 0) {
            byte[] bytes = data.readNBytes(length);
            if (bytes.length != length) {
              throw new IOException("optimizer state is truncated in parameter '" + name + "'");
            }
            state.buffers[i] = stateManager.decode(bytes);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      loaded.values().forEach(ParameterState::close);
      throw e;
    }
    states.values().forEach(ParameterState::close);
    states.clear();
    states.putAll(loaded);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("optimizer " + spec() + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      states.clear();
      stateManager.close();
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + spec() + ", " + states.size() + " parameters]";
  }
}
