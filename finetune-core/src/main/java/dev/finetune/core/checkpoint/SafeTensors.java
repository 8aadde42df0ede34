package dev.finetune.core.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format: an 8-byte little-endian header length, a JSON header ({@code dtype}, {@code shape},
 * {@code data_offsets} per tensor, optional {@code __metadata__}), then raw little-endian data.
 *
 * <p>Reading checks the header before allocating anything (the tensors' byte ranges must tile
 * the data exactly and match their dtype and shape), reads in chunks (files over 2 GiB work),
 * and converts F32, F16, BF16, F64, I64 and I32 tensors to float32. Writing produces F32 (or, on
 * request, F16 or BF16, rounded to nearest even) with {@code {"format": "pt"}} metadata (what
 * {@code transformers} expects), atomically.
 *
 * <pre>{@code
 * Map<String, HostTensor> weights = SafeTensors.read(dir.resolve("model.safetensors"));
 * SafeTensors.write(out.resolve("model.safetensors"), weights);
 * }</pre>
 */
public final class SafeTensors {

  private static final long MAX_HEADER = 100L * 1024 * 1024;
  private static final int CHUNK = 1 << 16;
  private static final int READ_CHUNK = 1 << 20;
  private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  private SafeTensors() {}

  /**
   * Reads every tensor of a file, in header order.
   *
   * <p>The header is checked before any tensor is allocated: its length must fit the file, every
   * tensor's dtype size times its shape must equal its byte range, and the ranges must tile the
   * data section exactly (no overlap, no gap, nothing past the end), as the format requires.
   * Files of any size are read in chunks, never mapped whole.
   *
   * @param file a {@code .safetensors} file
   * @return tensors by name
   * @throws CheckpointException when the file is missing, truncated or malformed (the message
   *     names the file and the problem)
   */
  public static Map<String, HostTensor> read(Path file) {
    return read(file, READ_CHUNK);
  }

  /**
   * Reads a file in chunks of the given size (tests use small chunks to cover the path files over
   * 2 GiB take).
   *
   * @param file a {@code .safetensors} file
   * @param chunkBytes bytes read at a time, a positive multiple of 8
   * @return tensors by name
   */
  static Map<String, HostTensor> read(Path file, int chunkBytes) {
    if (chunkBytes <= 0 || chunkBytes % 8 != 0) {
      throw new IllegalArgumentException("chunkBytes must be a positive multiple of 8, got " + chunkBytes);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < 8) {
        throw corrupt(file, "the file has " + size + " bytes; it must start with an 8-byte header length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength <= 1 || headerLength > MAX_HEADER || headerLength > size - 8) {
        throw corrupt(
            file,
            "header length "
                + headerLength
                + " does not fit a file of "
                + size
                + " bytes (truncated or not a safetensors file; at most "
                + MAX_HEADER
                + " bytes are allowed)");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(channel, headerBytes, 8);
      JsonObject header;
      try {
        JsonElement parsed =
            JsonParser.parseString(new String(headerBytes.array(), StandardCharsets.UTF_8));
        if (!parsed.isJsonObject()) {
          throw corrupt(file, "the header is not a JSON object");
        }
        header = parsed.getAsJsonObject();
      } catch (JsonParseException e) {
        throw corrupt(file, "the JSON header cannot be parsed (" + e.getMessage() + ")");
      }
      long dataStart = 8 + headerLength;
      long dataSize = size - dataStart;
      List<Entry> entries = new ArrayList<>();
      for (Map.Entry<String, JsonElement> e : header.entrySet()) {
        if (!e.getKey().equals("__metadata__")) {
          entries.add(entry(file, e.getKey(), e.getValue(), dataSize));
        }
      }
      checkTiling(file, entries, dataSize);
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      for (Entry e : entries) {
        tensors.put(e.name, new HostTensor(e.shape, decode(channel, dataStart, e, chunkBytes)));
      }
      return tensors;
    } catch (NoSuchFileException e) {
      throw new CheckpointException("weights file not found: " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** One header entry, checked: byte range [begin, end) of the data section. */
  private record Entry(
      String name, String dtype, int width, long[] shape, int count, long begin, long end) {}

  private static Entry entry(Path file, String name, JsonElement json, long dataSize) {
    JsonObject info;
    String dtype;
    JsonArray dims;
    JsonArray offsets;
    try {
      info = json.getAsJsonObject();
      dtype = info.get("dtype").getAsString();
      dims = info.getAsJsonArray("shape");
      offsets = info.getAsJsonArray("data_offsets");
      if (dims == null || offsets == null || offsets.size() != 2) {
        throw new IllegalStateException();
      }
    } catch (IllegalStateException | NullPointerException | ClassCastException | UnsupportedOperationException e) {
      throw corrupt(
          file,
          "the header entry of tensor "
              + name
              + " is malformed (expected {\"dtype\": ..., \"shape\": [...], \"data_offsets\": [begin, end]}): "
              + abbreviate(json));
    }
    int width = width(file, name, dtype);
    long[] shape = new long[dims.size()];
    long count = 1;
    long begin;
    long end;
    try {
      for (int i = 0; i < shape.length; i++) {
        shape[i] = wholeNumber(dims.get(i));
        if (shape[i] < 0) {
          throw corrupt(file, "tensor " + name + " has a negative dimension in shape " + dims);
        }
        count = Math.multiplyExact(count, shape[i]);
      }
      begin = wholeNumber(offsets.get(0));
      end = wholeNumber(offsets.get(1));
    } catch (ArithmeticException | NumberFormatException | IllegalStateException | UnsupportedOperationException e) {
      throw corrupt(
          file, "tensor " + name + " has a shape or data_offsets that are not whole numbers of a sane size: " + abbreviate(json));
    }
    if (begin < 0 || end < begin || end > dataSize) {
      throw corrupt(
          file,
          "tensor "
              + name
              + " has data_offsets ["
              + begin
              + ", "
              + end
              + "] beyond the "
              + dataSize
              + " data bytes (truncated file?)");
    }
    if (count > (end - begin) / width || end - begin != count * width) {
      throw corrupt(
          file,
          "tensor "
              + name
              + " of shape "
              + Arrays.toString(shape)
              + " and dtype "
              + dtype
              + " needs "
              + (count > Long.MAX_VALUE / width ? "more than " + Long.MAX_VALUE : String.valueOf(count * width))
              + " bytes, its offsets span "
              + (end - begin));
    }
    if (count > MAX_VALUES) {
      throw corrupt(file, "tensor " + name + " has " + count + " values, too many for one array (at most " + MAX_VALUES + ")");
    }
    return new Entry(name, dtype, width, shape, (int) count, begin, end);
  }

  private static long wholeNumber(JsonElement e) {
    BigDecimal value = e.getAsBigDecimal();
    return value.longValueExact();
  }

  private static void checkTiling(Path file, List<Entry> entries, long dataSize) {
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long at = 0;
    String previous = null;
    for (Entry e : byOffset) {
      if (e.begin < at) {
        throw corrupt(
            file,
            "tensor " + e.name + " (bytes " + e.begin + ".." + e.end + ") overlaps tensor " + previous
                + " (which ends at byte " + at + "); data_offsets must not overlap");
      }
      if (e.begin > at) {
        throw corrupt(
            file,
            "bytes " + at + ".." + e.begin + " of the data belong to no tensor (a gap before tensor "
                + e.name + "); data_offsets must tile the data exactly");
      }
      at = e.end;
      previous = e.name;
    }
    if (at != dataSize) {
      throw corrupt(
          file,
          "the tensors cover " + at + " of the " + dataSize
              + " data bytes; the rest belongs to no tensor (data_offsets must tile the data exactly)");
    }
  }

  private static String abbreviate(JsonElement json) {
    String text = String.valueOf(json);
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  private static int width(Path file, String name, String dtype) {
    return switch (dtype) {
      case "F32", "I32" -> 4;
      case "F16", "BF16" -> 2;
      case "F64", "I64" -> 8;
      default ->
          throw corrupt(
              file,
              "tensor " + name + " has dtype " + dtype + "; supported: F32, F16, BF16, F64, I64, I32");
    };
  }

  private static float[] decode(FileChannel channel, long dataStart, Entry e, int chunkBytes)
      throws IOException {
    float[] out = new float[e.count];
    int width = e.width;
    ByteBuffer chunk = ByteBuffer.allocate(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
    long position = dataStart + e.begin;
    int done = 0;
    while (done < e.count) {
      int n = Math.min(e.count - done, chunkBytes / width);
      chunk.clear().limit(n * width);
      readFully(channel, chunk, position);
      chunk.flip();
      decode(e.dtype, chunk, out, done, n);
      position += (long) n * width;
      done += n;
    }
    return out;
  }

  private static void decode(String dtype, ByteBuffer bytes, float[] out, int at, int count) {
    switch (dtype) {
      case "F32" -> bytes.asFloatBuffer().get(out, at, count);
      case "F16" -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = halfToFloat(bytes.getShort(2 * i));
        }
      }
      case "BF16" -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = Float.intBitsToFloat((bytes.getShort(2 * i) & 0xffff) << 16);
        }
      }
      case "F64" -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = (float) bytes.getDouble(8 * i);
        }
      }
      case "I64" -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = bytes.getLong(8 * i);
        }
      }
      case "I32" -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = bytes.getInt(4 * i);
        }
      }
      default -> throw new IllegalStateException(dtype);
    }
  }

  /**
   * Converts an IEEE 754 half-precision value to float.
   *
   * @param half the 16 bits
   * @return the float value
   */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0) {
      float value = mantissa * 0x1p-24f;
      return sign != 0 ? -value : value;
    }
    if (exponent == 31) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /**
   * Writes tensors as F32, in the given order, atomically (temporary file, then rename).
   *
   * @param file the target file
   * @param tensors tensors by name
   */
  public static void write(Path file, Map<String, HostTensor> tensors) {
    write(file, tensors, "F32");
  }

  /**
   * Writes tensors in a floating-point dtype, in the given order, atomically: {@code F32}, or
   * {@code F16} / {@code BF16} as half-precision checkpoints are published (values rounded to
   * nearest even; reading them back gives those rounded values exactly).
   *
   * <pre>{@code
   * SafeTensors.write(out.resolve("model.safetensors"), weights, "BF16");
   * }</pre>
   *
   * @param file the target file
   * @param tensors tensors by name
   * @param dtype {@code F32}, {@code F16} or {@code BF16}
   * @throws IllegalArgumentException for another dtype
   */
  public static void write(Path file, Map<String, HostTensor> tensors, String dtype) {
    int width = switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      default -> throw new IllegalArgumentException(
          "SafeTensors.write: dtype " + dtype + " is not supported; use F32, F16 or BF16");
    };
    JsonObject header = new JsonObject();
    JsonObject metadata = new JsonObject();
    metadata.addProperty("format", "pt");
    header.add("__metadata__", metadata);
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      JsonObject info = new JsonObject();
      info.addProperty("dtype", dtype);
      JsonArray shape = new JsonArray();
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      info.add("shape", shape);
      JsonArray offsets = new JsonArray();
      long bytes = (long) width * e.getValue().data().length;
      offsets.add(offset);
      offsets.add(offset + bytes);
      info.add("data_offsets", offsets);
      header.add(e.getKey(), info);
      offset += bytes;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = Arrays.copyOf(json, padded);
    Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
    AtomicFiles.write(
        file,
        raw -> {
          OutputStream out = new BufferedOutputStream(raw, CHUNK);
          ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
          out.write(length.array());
          out.write(headerBytes);
          ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
          for (HostTensor t : tensors.values()) {
            float[] values = t.data();
            int i = 0;
            while (i < values.length) {
              chunk.clear();
              int n = Math.min(values.length - i, CHUNK / width);
              encode(dtype, values, i, n, chunk);
              out.write(chunk.array(), 0, width * n);
              i += n;
            }
          }
          out.flush();
        });
  }

  private static void encode(String dtype, float[] values, int at, int count, ByteBuffer out) {
    switch (dtype) {
      case "F32" -> out.asFloatBuffer().put(values, at, count);
      case "F16" -> {
        for (int i = 0; i < count; i++) {
          out.putShort(2 * i, floatToHalf(values[at + i]));
        }
      }
      default -> {
        for (int i = 0; i < count; i++) {
          out.putShort(2 * i, floatToBfloat16(values[at + i]));
        }
      }
    }
  }

  /**
   * Rounds a float to IEEE 754 half precision, to nearest even (overflow gives infinity, NaN
   * stays NaN).
   *
   * @param value the float
   * @return the 16 bits
   */
  static short floatToHalf(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
    }
    int e = exponent - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      int full = mantissa | 0x800000;
      int shift = 14 - e;
      return (short) (sign | roundShift(full, shift));
    }
    return (short) (sign | (((e << 10) | (mantissa >> 13)) + roundUp(mantissa, 13, mantissa >> 13)));
  }

  private static int roundShift(int value, int shift) {
    int kept = value >> shift;
    return kept + roundUp(value, shift, kept);
  }

  /** 1 when the bits below {@code shift} round the kept value up (nearest, ties to even). */
  private static int roundUp(int value, int shift, int kept) {
    int rest = value & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    return rest > half || (rest == half && (kept & 1) != 0) ? 1 : 0;
  }

  /**
   * Rounds a float to bfloat16, to nearest even (NaN stays NaN).
   *
   * @param value the float
   * @return the 16 bits
   */
  static short floatToBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + at);
      }
      at += n;
    }
  }

  private static CheckpointException corrupt(Path file, String problem) {
    return new CheckpointException(
        "corrupt safetensors file " + file + ": " + problem + ". Re-export or re-download it.");
  }
}
