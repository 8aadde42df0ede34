package dev.finetune.core.train;

import ai.djl.Device;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the user, once per JVM, when training on a Linux CPU runs with glibc's default
 * allocator settings. glibc serves large tensors with {@code mmap} and returns them to the kernel
 * when freed, so every step page-faults its activations and gradients back in; on the 2-core VM
 * of docs/PERFORMANCE.md that made the MiniLM step 1.4-1.6 times slower. Starting the JVM with
 * {@value #TUNABLES} keeps freed memory in the process (or preload jemalloc / tcmalloc). The
 * library cannot change this itself: the variable is read when the process starts.
 *
 * <pre>{@code
 * AllocatorAdvice.advice("Linux", Device.cpu(), System.getenv()).ifPresent(LOG::info);
 * }</pre>
 */
final class AllocatorAdvice {

  /** The environment setting we recommend and our scripts use. */
  static final String TUNABLES =
      "GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736";

  private static final Logger LOG = LoggerFactory.getLogger(AllocatorAdvice.class);
  private static final AtomicBoolean GIVEN = new AtomicBoolean();

  private AllocatorAdvice() {}

  /** Logs the advice at INFO the first time it applies in this JVM. */
  static void logOnce(Device device) {
    if (GIVEN.get()) {
      return;
    }
    advice(System.getProperty("os.name", ""), device, System.getenv()).ifPresent(text -> {
      if (GIVEN.compareAndSet(false, true)) {
        LOG.info(text);
      }
    });
  }

  /**
   * The advice for a platform, device and environment.
   *
   * @param osName the {@code os.name} property
   * @param device the training device
   * @param environment the process environment
   * @return the text to log, empty when it does not apply (not Linux, a GPU, tuned already, or
   *     another allocator preloaded)
   */
  static Optional<String> advice(String osName, Device device, Map<String, String> environment) {
    if (!osName.toLowerCase(Locale.ROOT).contains("linux") || device.isGpu()) {
      return Optional.empty();
    }
    String tunables = environment.getOrDefault("GLIBC_TUNABLES", "");
    String preload = environment.getOrDefault("LD_PRELOAD", "").toLowerCase(Locale.ROOT);
    if (tunables.contains("glibc.malloc.mmap_max") || preload.contains("jemalloc")
        || preload.contains("tcmalloc") || preload.contains("mimalloc")) {
      return Optional.empty();
    }
    return Optional.of("training on CPU with glibc's default allocator, which returns large freed"
        + " tensors to the kernel so that each step page-faults them back in (1.4-1.6x slower"
        + " MiniLM steps measured on a 2-core VM). For faster steps, start the JVM with " + TUNABLES
        + " (or preload jemalloc/tcmalloc); see docs/PERFORMANCE.md, 'Memory allocator'.");
  }
}
