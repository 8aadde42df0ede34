package dev.finetune.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing F16 and BF16 safetensors (as half-precision checkpoints are published) and reading them back. */
class HalfPrecisionWriteTest {

  @TempDir Path dir;

  @Test
  void everyHalfValueSurvivesTheRoundTripExactly() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float value = SafeTensors.halfToFloat((short) bits);
      if (Float.isNaN(value)) {
        assertThat(Float.isNaN(SafeTensors.halfToFloat(SafeTensors.floatToHalf(value)))).isTrue();
        continue;
      }
      assertThat(SafeTensors.floatToHalf(value) & 0xffff).as("half 0x%04x", bits).isEqualTo(bits);
    }
  }

  @Test
  void floatsRoundToTheNearestHalfTiesToEven() {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to the even 1.0
    assertThat(SafeTensors.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
    assertThat(SafeTensors.floatToHalf(1f + 0x1p-11f + 0x1p-20f)).isEqualTo((short) 0x3C01);
    // 1 + 3 * 2^-11 is halfway between 0x3C01 and 0x3C02: ties to the even 0x3C02
    assertThat(SafeTensors.floatToHalf(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
    assertThat(SafeTensors.floatToHalf(70000f)).as("overflow").isEqualTo((short) 0x7C00);
    assertThat(SafeTensors.floatToHalf(0x1p-26f)).as("underflow").isEqualTo((short) 0);
    assertThat(SafeTensors.floatToHalf(-0x1p-24f)).as("smallest subnormal").isEqualTo((short) 0x8001);
    assertThat(SafeTensors.floatToHalf(0x1.8p-24f)).as("1.5 subnormal steps: ties to even 2")
        .isEqualTo((short) 0x0002);
  }

  @Test
  void bfloat16KeepsTheUpperBitsRoundedToNearestEven() {
    assertThat(SafeTensors.floatToBfloat16(1f)).isEqualTo((short) 0x3F80);
    assertThat(SafeTensors.floatToBfloat16(Float.intBitsToFloat(0x3F808000))).as("tie to even")
        .isEqualTo((short) 0x3F80);
    assertThat(SafeTensors.floatToBfloat16(Float.intBitsToFloat(0x3F818000))).as("tie to even, up")
        .isEqualTo((short) 0x3F82);
    assertThat(SafeTensors.floatToBfloat16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
    assertThat(Float.isNaN(Float.intBitsToFloat(SafeTensors.floatToBfloat16(Float.NaN) << 16))).isTrue();
  }

  @Test
  void writesF16AndBf16FilesThatReadBackAsTheRoundedValues() {
    float[] values = {1f, -2.5f, 0.1f, 65504f, 3.14159f, 0x1p-24f};
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("w", new HostTensor(new long[] {2, 3}, values.clone()));
    SafeTensors.write(dir.resolve("h.safetensors"), tensors, "F16");
    SafeTensors.write(dir.resolve("b.safetensors"), tensors, "BF16");
    assertThat(SafeTensors.read(dir.resolve("h.safetensors")).get("w").data())
        .containsExactly(1f, -2.5f, 0.0999755859375f, 65504f, 3.140625f, 0x1p-24f);
    assertThat(SafeTensors.read(dir.resolve("b.safetensors")).get("w").data())
        .containsExactly(1f, -2.5f, 0.10009765625f, 65536f, 3.140625f, 0x1p-24f);
    assertThatThrownBy(() -> SafeTensors.write(dir.resolve("x.safetensors"), tensors, "F8"))
        .hasMessageContaining("dtype F8 is not supported; use F32, F16 or BF16");
  }
}
