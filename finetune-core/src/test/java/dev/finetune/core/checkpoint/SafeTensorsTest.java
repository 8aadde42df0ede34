package dev.finetune.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer, dtype conversion, sharding and prefix stripping. */
class SafeTensorsTest {

  @TempDir Path dir;

  @Test
  void roundTripsF32ExactlyAndAtomically() throws IOException {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("a", new HostTensor(new long[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 1e30f}));
    tensors.put("b.bias", new HostTensor(new long[] {1}, new float[] {7}));
    tensors.put("empty", new HostTensor(new long[] {0, 4}, new float[0]));
    Path file = dir.resolve("model.safetensors");
    SafeTensors.write(file, tensors);
    Map<String, HostTensor> read = SafeTensors.read(file);
    assertThat(read.keySet()).containsExactly("a", "b.bias", "empty");
    tensors.forEach((k, v) -> assertThat(read.get(k).bitEquals(v)).as(k).isTrue());
    long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
    assertThat(new String(Files.readAllBytes(file), 8, (int) headerLength, StandardCharsets.UTF_8))
        .contains("\"__metadata__\":{\"format\":\"pt\"}");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file); // no temporary file left behind
    }
  }

  @Test
  void readsF16AndBf16AsFloat() throws IOException {
    // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, smallest subnormal 2^-24 = 0x0001
    // BF16: 1.0 = 0x3F80, -0.5 = 0xBF00
    String header =
        "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}";
    ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : new int[] {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3F80, 0xBF00}) {
      data.putShort((short) v);
    }
    Path file = write(header, data.array());
    Map<String, HostTensor> read = SafeTensors.read(file);
    assertThat(read.get("h").data()).containsExactly(1f, -2f, 65504f, (float) Math.pow(2, -24));
    assertThat(read.get("b").data()).containsExactly(1f, -0.5f);
  }

  @Test
  void offsetsBeyondTheDataAreReported() throws IOException {
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
    Path file = write(header, new byte[8]);
    assertThatThrownBy(() -> SafeTensors.read(file))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("tensor w")
        .hasMessageContaining("beyond the 8 data bytes");
  }

  @Test
  void overlappingOffsetsAreRefused() throws IOException {
    // the weight's range covers the bias's bytes: the old reader gave the weight the bias's values
    String header =
        "{\"ln.weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},"
            + "\"ln.bias\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
    Path file = write(header, new byte[16]);
    assertThatThrownBy(() -> SafeTensors.read(file))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("tensor ln.weight")
        .hasMessageContaining("overlaps tensor ln.bias")
        .hasMessageContaining("t.safetensors");
  }

  @Test
  void gapsAndTrailingBytesAreRefused() throws IOException {
    Path gap = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]);
    assertThatThrownBy(() -> SafeTensors.read(gap))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("bytes 0..4 of the data belong to no tensor");
    Path trailing = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[12]);
    assertThatThrownBy(() -> SafeTensors.read(trailing))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("cover 4 of the 12 data bytes");
  }

  @Test
  void shapeThatDisagreesWithTheByteRangeIsRefused() throws IOException {
    Path file = write("{\"w\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
    assertThatThrownBy(() -> SafeTensors.read(file))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("needs 6 bytes, its offsets span 8");
  }

  @Test
  void hugeClaimedSizesFailBeforeAnythingIsAllocated() throws IOException {
    // 10^12 x 10^12 values (overflows a long in bytes) and a range far beyond the file
    Path overflow = write(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000000,1000000000000],\"data_offsets\":[0,8]}}",
        new byte[8]);
    assertThatThrownBy(() -> SafeTensors.read(overflow))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("tensor w");
    Path beyond = write(
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000],\"data_offsets\":[0,4000000000]}}",
        new byte[8]);
    assertThatThrownBy(() -> SafeTensors.read(beyond))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("beyond the 8 data bytes");
    Path notANumber = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"two\"],\"data_offsets\":[0,8]}}", new byte[8]);
    assertThatThrownBy(() -> SafeTensors.read(notANumber))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("not whole numbers");
  }

  @Test
  void chunkedReadingGivesTheSameTensors() throws IOException {
    // the path a file over 2 GiB takes, with 8-byte chunks: every tensor spans several chunks
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    float[] values = new float[37];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.25f - 3;
    }
    tensors.put("a", new HostTensor(new long[] {37}, values));
    tensors.put("b", new HostTensor(new long[] {1}, new float[] {7}));
    tensors.put("c", new HostTensor(new long[] {0}, new float[0]));
    Path file = dir.resolve("model.safetensors");
    SafeTensors.write(file, tensors);
    Map<String, HostTensor> chunked = SafeTensors.read(file, 8);
    tensors.forEach((k, v) -> assertThat(chunked.get(k).bitEquals(v)).as(k).isTrue());

    String header =
        "{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
            + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]}}";
    ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : new int[] {0x3C00, 0xC000, 0x7BFF, 0x0001}) {
      data.putShort((short) v);
    }
    data.putDouble(1.5).putDouble(-2.25);
    Path mixed = write(header, data.array());
    Map<String, HostTensor> read = SafeTensors.read(mixed, 8);
    assertThat(read.get("h").data()).containsExactly(1f, -2f, 65504f, (float) Math.pow(2, -24));
    assertThat(read.get("d").data()).containsExactly(1.5f, -2.25f);
  }

  @Test
  void unsupportedDtypeIsNamed() throws IOException {
    Path file = write("{\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}", new byte[4]);
    assertThatThrownBy(() -> SafeTensors.read(file))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("dtype U8");
  }

  @Test
  void shardedCheckpointWithTaskPrefixIsReadAndStripped() throws IOException {
    Map<String, HostTensor> one = Map.of("bert.embeddings.LayerNorm.weight", new HostTensor(new long[] {2}, new float[] {1, 2}));
    Map<String, HostTensor> two = Map.of("classifier.bias", new HostTensor(new long[] {1}, new float[] {3}));
    SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), one);
    SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), two);
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\":{},\"weight_map\":{"
            + "\"bert.embeddings.LayerNorm.weight\":\"model-00001-of-00002.safetensors\","
            + "\"classifier.bias\":\"model-00002-of-00002.safetensors\"}}");
    Map<String, HostTensor> read = HfCheckpoint.readWeights(dir);
    assertThat(read.keySet()).containsExactlyInAnyOrder("embeddings.LayerNorm.weight", "classifier.bias");
    assertThat(read.get("embeddings.LayerNorm.weight").data()).containsExactly(1f, 2f);

    Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
    assertThatThrownBy(() -> HfCheckpoint.readWeights(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("model-00002-of-00002.safetensors")
        .hasMessageContaining("missing");
  }

  @Test
  void halfPrecisionSpecialValues() {
    assertThat(SafeTensors.halfToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(SafeTensors.halfToFloat((short) 0x8000)).isEqualTo(-0f);
    assertThat(Float.isNaN(SafeTensors.halfToFloat((short) 0x7E00))).isTrue();
    assertThat(SafeTensors.halfToFloat((short) 0x3555)).isEqualTo(0.33325195f);
  }

  private Path write(String header, byte[] data) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json).put(data);
    Path file = dir.resolve("t.safetensors");
    Files.write(file, b.array());
    return file;
  }
}
