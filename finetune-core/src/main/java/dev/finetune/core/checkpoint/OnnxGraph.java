package dev.finetune.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model needed to recover its weights: float initializers and nodes (name,
 * op type, inputs), read straight from the protobuf wire format (no protobuf library needed).
 *
 * <pre>{@code
 * OnnxGraph graph = OnnxGraph.parse(Files.readAllBytes(onnxFile), "model.onnx");
 * graph.initializers().keySet();
 * }</pre>
 */
public final class OnnxGraph {

  /**
   * One graph node.
   *
   * @param name the node name, e.g. {@code /encoder/layer.0/attention/self/query/MatMul}
   * @param opType the operator, e.g. {@code MatMul}
   * @param inputs the names of its inputs, in order
   */
  public record Node(String name, String opType, List<String> inputs) {}

  private static final int FLOAT = 1;

  private final Map<String, HostTensor> initializers;
  private final Map<String, Integer> otherInitializers;
  private final List<Node> nodes;

  private OnnxGraph(Map<String, HostTensor> initializers, Map<String, Integer> others, List<Node> nodes) {
    this.initializers = initializers;
    this.otherInitializers = others;
    this.nodes = nodes;
  }

  /**
   * The float32 initializers, by name, in file order.
   *
   * @return the weights
   */
  public Map<String, HostTensor> initializers() {
    return initializers;
  }

  /**
   * Initializers of other data types (shape constants and the like), name to ONNX data type.
   *
   * @return the non-float initializers
   */
  public Map<String, Integer> otherInitializers() {
    return otherInitializers;
  }

  /**
   * The nodes, in file order.
   *
   * @return the nodes
   */
  public List<Node> nodes() {
    return nodes;
  }

  /**
   * Parses a serialized {@code ModelProto}.
   *
   * @param bytes the whole file
   * @param source a description of where it comes from, for error messages
   * @return the graph
   * @throws CheckpointException when the bytes are not a well-formed ONNX model
   */
  public static OnnxGraph parse(byte[] bytes, String source) {
    try {
      Wire model = new Wire(bytes, 0, bytes.length);
      Wire graph = null;
      while (model.more()) {
        long tag = model.varint();
        if (tag >>> 3 == 7 && (tag & 7) == 2) {
          graph = model.message();
        } else {
          model.skip((int) (tag & 7));
        }
      }
      if (graph == null) {
        throw new CheckpointException(source + " holds no ONNX graph (field 7 of ModelProto)");
      }
      Map<String, HostTensor> initializers = new LinkedHashMap<>();
      Map<String, Integer> others = new LinkedHashMap<>();
      List<Node> nodes = new ArrayList<>();
      while (graph.more()) {
        long tag = graph.varint();
        int field = (int) (tag >>> 3);
        if (field == 1 && (tag & 7) == 2) {
          nodes.add(node(graph.message()));
        } else if (field == 5 && (tag & 7) == 2) {
          tensor(graph.message(), source, initializers, others);
        } else {
          graph.skip((int) (tag & 7));
        }
      }
      return new OnnxGraph(initializers, others, nodes);
    } catch (IndexOutOfBoundsException | IllegalStateException e) {
      throw new CheckpointException(
          source + " is not a well-formed ONNX model (" + e.getMessage() + "); re-export it", e);
    }
  }

  private static Node node(Wire wire) {
    List<String> inputs = new ArrayList<>();
    String name = "";
    String op = "";
    while (wire.more()) {
      long tag = wire.varint();
      int field = (int) (tag >>> 3);
      if ((tag & 7) == 2 && field == 1) {
        inputs.add(wire.string());
      } else if ((tag & 7) == 2 && field == 3) {
        name = wire.string();
      } else if ((tag & 7) == 2 && field == 4) {
        op = wire.string();
      } else {
        wire.skip((int) (tag & 7));
      }
    }
    return new Node(name, op, List.copyOf(inputs));
  }

  private static void tensor(
      Wire wire, String source, Map<String, HostTensor> floats, Map<String, Integer> others) {
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    Wire raw = null;
    List<Float> floatData = new ArrayList<>();
    boolean external = false;
    while (wire.more()) {
      long tag = wire.varint();
      int field = (int) (tag >>> 3);
      int type = (int) (tag & 7);
      if (field == 1 && type == 0) {
        dims.add(wire.varint());
      } else if (field == 1 && type == 2) {
        Wire packed = wire.message();
        while (packed.more()) {
          dims.add(packed.varint());
        }
      } else if (field == 2 && type == 0) {
        dataType = (int) wire.varint();
      } else if (field == 4 && type == 5) {
        floatData.add(Float.intBitsToFloat(wire.fixed32()));
      } else if (field == 4 && type == 2) {
        Wire packed = wire.message();
        while (packed.more()) {
          floatData.add(Float.intBitsToFloat(packed.fixed32()));
        }
      } else if (field == 8 && type == 2) {
        name = wire.string();
      } else if (field == 9 && type == 2) {
        raw = wire.message();
      } else if (field == 14 && type == 0) {
        external = wire.varint() == 1;
      } else {
        wire.skip(type);
      }
    }
    if (dataType != FLOAT) {
      others.put(name, dataType);
      return;
    }
    if (external) {
      throw new CheckpointException(
          source + ": initializer " + name + " keeps its data in an external file; not supported");
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    float[] values = new float[(int) count];
    if (raw != null) {
      if (raw.remaining() != 4 * count) {
        throw new CheckpointException(
            source + ": initializer " + name + " has " + raw.remaining() + " raw bytes, expected " + 4 * count);
      }
      raw.floats(values);
    } else {
      if (floatData.size() != count) {
        throw new CheckpointException(
            source + ": initializer " + name + " has " + floatData.size() + " values, expected " + count);
      }
      for (int i = 0; i < values.length; i++) {
        values[i] = floatData.get(i);
      }
    }
    floats.put(name, new HostTensor(shape, values));
  }

  /** A cursor over a protobuf message's bytes. */
  private static final class Wire {
    private final byte[] bytes;
    private int pos;
    private final int end;

    Wire(byte[] bytes, int start, int end) {
      if (end > bytes.length || start > end) {
        throw new IllegalStateException("message length runs past the end of the data");
      }
      this.bytes = bytes;
      this.pos = start;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    int remaining() {
      return end - pos;
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalStateException("truncated varint");
        }
        byte b = bytes[pos++];
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new IllegalStateException("malformed varint");
    }

    int fixed32() {
      if (pos + 4 > end) {
        throw new IllegalStateException("truncated fixed32");
      }
      int v = ByteBuffer.wrap(bytes, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      pos += 4;
      return v;
    }

    Wire message() {
      long length = varint();
      if (length < 0 || length > end - pos) {
        throw new IllegalStateException("length " + length + " exceeds the enclosing message");
      }
      Wire inner = new Wire(bytes, pos, pos + (int) length);
      pos += (int) length;
      return inner;
    }

    String string() {
      Wire w = message();
      return new String(bytes, w.pos, w.end - w.pos, StandardCharsets.UTF_8);
    }

    void floats(float[] out) {
      ByteBuffer.wrap(bytes, pos, end - pos).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      pos = end;
    }

    void skip(int wireType) {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> message();
        case 5 -> advance(4);
        default -> throw new IllegalStateException("unsupported wire type " + wireType);
      }
    }

    private void advance(int n) {
      if (pos + n > end) {
        throw new IllegalStateException("truncated field");
      }
      pos += n;
    }
  }
}
