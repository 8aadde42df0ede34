package dev.finetune.core.report;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads the memory the process uses: resident set size (current and peak, from {@code
 * /proc/self/status}; empty where that file does not exist, e.g. on macOS or Windows), JVM heap
 * (current and peak) and GPU memory in use.
 *
 * <pre>{@code
 * long peakRss = MemoryProbe.peakResidentBytes().orElse(-1);
 * long heap = MemoryProbe.heapUsedBytes();
 * }</pre>
 */
public final class MemoryProbe {

  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private MemoryProbe() {}

  /**
   * Current resident set size of this process ({@code VmRSS}).
   *
   * @return bytes, empty where the platform does not report it
   */
  public static OptionalLong residentBytes() {
    return readStatus("VmRSS:");
  }

  /**
   * Peak resident set size of this process since it started ({@code VmHWM}).
   *
   * @return bytes, empty where the platform does not report it
   */
  public static OptionalLong peakResidentBytes() {
    return readStatus("VmHWM:");
  }

  /**
   * Restarts the peak resident set size ({@code VmHWM}) at the current resident size, so that
   * {@link #peakResidentBytes()} measures what follows (Linux 4.0 and later: writes {@code 5} to
   * {@code /proc/self/clear_refs}). This changes a process-wide figure: call it only where the
   * process runs one measured job after another, as an experiment grid does between cells.
   *
   * <pre>{@code
   * boolean perCell = MemoryProbe.resetPeakResident();
   * }</pre>
   *
   * @return whether the peak was reset; false where the platform does not allow it (the peak then
   *     stays the process's peak since it started)
   */
  public static boolean resetPeakResident() {
    if (!Files.isWritable(CLEAR_REFS)) {
      return false;
    }
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * JVM heap in use now.
   *
   * @return bytes
   */
  public static long heapUsedBytes() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Sum of the heap pools' peak usage since the JVM started or since {@link #resetPeakHeap()}
   * (an upper bound of the true peak, as pools peak at different moments).
   *
   * @return bytes
   */
  public static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : heapPools()) {
      sum += pool.getPeakUsage().getUsed();
    }
    return sum;
  }

  /**
   * Restarts the heap pools' peak tracking at their current usage (JVM-wide), so that {@link
   * #peakHeapBytes()} measures one epoch.
   */
  public static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : heapPools()) {
      pool.resetPeakUsage();
    }
  }

  /**
   * GPU memory in use on a GPU device (device-wide, all processes).
   *
   * @param device the device
   * @return bytes, empty for a CPU device or where CUDA cannot report it
   */
  public static OptionalLong gpuUsedBytes(Device device) {
    if (device == null || !device.isGpu() || !CudaUtils.hasCuda()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(CudaUtils.getGpuMemory(device).getUsed());
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isValid())
        .toList();
  }

  private static OptionalLong readStatus(String key) {
    if (!Files.isReadable(STATUS)) {
      return OptionalLong.empty();
    }
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(key)) {
          return parseKilobytes(line.substring(key.length()));
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /** Parses {@code "   123456 kB"} into bytes. */
  static OptionalLong parseKilobytes(String value) {
    String[] parts = value.trim().split("\\s+");
    if (parts.length == 0 || parts[0].isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long number = Long.parseLong(parts[0]);
      boolean kilobytes = parts.length > 1 && parts[1].equalsIgnoreCase("kB");
      return OptionalLong.of(kilobytes ? number * 1024 : number);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
