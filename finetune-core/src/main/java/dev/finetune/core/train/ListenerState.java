package dev.finetune.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The state of a {@link StatefulListener} in a resume checkpoint: named scalars (numbers,
 * booleans, strings; NaN and infinities allowed) and string lists, stored as JSON in the checkpoint's
 * {@code state.json}, and an ordered list of tensors, stored bit-exact in
 * {@code listeners.ndlist}. Immutable once built; the tensors are referenced, not copied.
 *
 * <pre>{@code
 * ListenerState state = ListenerState.builder()
 *     .put("best", 0.91).put("bad", 1).tensors(new NDList(average)).build();
 * double best = state.getDouble("best");
 * }</pre>
 */
public final class ListenerState {

  private final JsonObject values;
  private final List<NDArray> tensors;

  private ListenerState(JsonObject values, List<NDArray> tensors) {
    this.values = values;
    this.tensors = List.copyOf(tensors);
  }

  /**
   * Starts an empty state.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  static ListenerState of(JsonObject values, List<NDArray> tensors) {
    return new ListenerState(values.deepCopy(), tensors);
  }

  /**
   * The tensors, in the order given.
   *
   * @return an unmodifiable list
   */
  public List<NDArray> tensors() {
    return tensors;
  }

  /**
   * Tells whether a scalar is present.
   *
   * @param name the scalar's name
   * @return true when it was put
   */
  public boolean has(String name) {
    return values.has(name);
  }

  /**
   * Reads a number.
   *
   * @param name the scalar's name
   * @return its value (NaN and infinities come back as written)
   * @throws IllegalStateException when it is missing or not a number
   */
  public double getDouble(String name) {
    return primitive(name).getAsDouble();
  }

  /**
   * Reads an integral number.
   *
   * @param name the scalar's name
   * @return its value
   * @throws IllegalStateException when it is missing
   */
  public long getLong(String name) {
    return primitive(name).getAsLong();
  }

  /**
   * Reads an int.
   *
   * @param name the scalar's name
   * @return its value
   * @throws IllegalStateException when it is missing
   */
  public int getInt(String name) {
    return primitive(name).getAsInt();
  }

  /**
   * Reads a boolean.
   *
   * @param name the scalar's name
   * @return its value
   * @throws IllegalStateException when it is missing
   */
  public boolean getBoolean(String name) {
    return primitive(name).getAsBoolean();
  }

  /**
   * Reads a string.
   *
   * @param name the scalar's name
   * @return its value
   * @throws IllegalStateException when it is missing
   */
  public String getString(String name) {
    return primitive(name).getAsString();
  }

  /**
   * Reads a list of strings.
   *
   * @param name the list's name
   * @return its values, unmodifiable
   * @throws IllegalStateException when it is missing
   */
  public List<String> getStrings(String name) {
    JsonElement value = values.get(name);
    if (value == null || !value.isJsonArray()) {
      throw missing(name);
    }
    List<String> out = new ArrayList<>();
    value.getAsJsonArray().forEach(e -> out.add(e.getAsString()));
    return List.copyOf(out);
  }

  JsonObject values() {
    return values.deepCopy();
  }

  private JsonPrimitive primitive(String name) {
    JsonElement value = values.get(name);
    if (value == null || !value.isJsonPrimitive()) {
      throw missing(name);
    }
    return value.getAsJsonPrimitive();
  }

  private IllegalStateException missing(String name) {
    return new IllegalStateException("listener state has no value '" + name + "' (it has "
        + values.keySet() + "); was the checkpoint written by another version of the callback?"
        + " Start afresh with another checkpoint directory");
  }

  @Override
  public String toString() {
    return "ListenerState" + values + " + " + tensors.size() + " tensor(s)";
  }

  /** Collects scalars and tensors; see {@link ListenerState}. */
  public static final class Builder {
    private final JsonObject values = new JsonObject();
    private List<NDArray> tensors = List.of();

    private Builder() {}

    /**
     * Adds a number.
     *
     * @param name the scalar's name
     * @param value any double, NaN included
     * @return this
     */
    public Builder put(String name, double value) {
      values.addProperty(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /**
     * Adds an integral number.
     *
     * @param name the scalar's name
     * @param value the value
     * @return this
     */
    public Builder put(String name, long value) {
      values.addProperty(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /**
     * Adds a boolean.
     *
     * @param name the scalar's name
     * @param value the value
     * @return this
     */
    public Builder put(String name, boolean value) {
      values.addProperty(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /**
     * Adds a string.
     *
     * @param name the scalar's name
     * @param value the value, not null
     * @return this
     */
    public Builder put(String name, String value) {
      values.addProperty(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, name));
      return this;
    }

    /**
     * Adds a list of strings.
     *
     * @param name the list's name
     * @param strings the values, none null
     * @return this
     */
    public Builder putStrings(String name, List<String> strings) {
      JsonArray array = new JsonArray();
      strings.forEach(v -> array.add(Objects.requireNonNull(v, name)));
      values.add(Objects.requireNonNull(name, "name"), array);
      return this;
    }

    /**
     * Sets the tensors (referenced, written when the checkpoint is saved).
     *
     * @param arrays the tensors (an {@link NDList} will do) in the order {@link #tensors()} gives
     *     them back
     * @return this
     */
    public Builder tensors(List<NDArray> arrays) {
      this.tensors = List.copyOf(arrays);
      return this;
    }

    /**
     * Builds the state.
     *
     * @return the immutable state
     */
    public ListenerState build() {
      return new ListenerState(values.deepCopy(), tensors);
    }
  }
}
