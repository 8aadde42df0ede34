package dev.finetune.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Memory readings are plausible where the platform reports them and absent elsewhere. */
class MemoryProbeTest {

  @Test
  void parsesProcStatusValues() {
    assertThat(MemoryProbe.parseKilobytes("   123456 kB")).hasValue(123456L * 1024);
    assertThat(MemoryProbe.parseKilobytes("  ")).isEmpty();
    assertThat(MemoryProbe.parseKilobytes(" x kB")).isEmpty();
  }

  @Test
  void residentSetIsReportedOnLinuxAndPeakIsAtLeastCurrent() {
    if (Files.isReadable(Path.of("/proc/self/status"))) {
      long current = MemoryProbe.residentBytes().orElseThrow();
      long peak = MemoryProbe.peakResidentBytes().orElseThrow();
      assertThat(current).isGreaterThan(10L * 1024 * 1024);
      assertThat(peak).isGreaterThanOrEqualTo(current);
    } else {
      assertThat(MemoryProbe.residentBytes()).isEmpty();
    }
  }

  @Test
  void peakResidentRestartsAfterALargeNativeArrayIsFreed() {
    if (!Files.isWritable(Path.of("/proc/self/clear_refs"))) {
      assertThat(MemoryProbe.resetPeakResident()).isFalse();
      return;
    }
    long mib = 1024L * 1024;
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray big = manager.ones(new Shape(64, 1024, 1024)); // 256 MiB, written so it is resident
      assertThat(big.getFloat(63, 1023, 1023)).isEqualTo(1f);
      big.close();
    }
    long current = MemoryProbe.residentBytes().orElseThrow();
    assertThat(MemoryProbe.peakResidentBytes().orElseThrow()).isGreaterThan(current + 200 * mib);
    assertThat(MemoryProbe.resetPeakResident()).isTrue();
    long peak = MemoryProbe.peakResidentBytes().orElseThrow();
    assertThat(peak).isLessThan(MemoryProbe.residentBytes().orElseThrow() + 64 * mib);
  }

  @Test
  void heapPeakCoversCurrentUseAndCpuHasNoGpuMemory() {
    MemoryProbe.resetPeakHeap();
    byte[] ballast = new byte[32 * 1024 * 1024];
    ballast[ballast.length - 1] = 1;
    assertThat(MemoryProbe.peakHeapBytes()).isGreaterThanOrEqualTo(32L * 1024 * 1024);
    assertThat(MemoryProbe.heapUsedBytes()).isPositive();
    assertThat(MemoryProbe.gpuUsedBytes(Device.cpu())).isEmpty();
    assertThat(ballast[ballast.length - 1]).isEqualTo((byte) 1);
  }
}
