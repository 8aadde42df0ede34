package dev.finetune.core.train;

import ai.djl.Device;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the user, once per JVM, when training on a Linux CPU runs with glibc allocator settings
 * that make every step page-fault its tensors back in. Two things hand freed memory back to the
 * kernel: glibc serves large blocks with {@code mmap} and unmaps them when freed, and the JVM runs
 * {@code main} (and so the training loop) on a thread other than the process's first one, whose
 * allocations come from a secondary glibc arena built of 64 MiB heaps that are unmapped as soon as
 * they are empty, whatever the trim threshold. On the 2-core VM of docs/PERFORMANCE.md the first
 * made the MiniLM step 1.4-1.6 times slower; the second still cost 0.5-1 s in steps that faulted
 * and scattered step times by 30 %. Starting the JVM with {@value #TUNABLES} keeps freed memory
 * in the process (or preload jemalloc / tcmalloc / mimalloc). The library cannot change this
 * itself: the variable is read when the process starts.
 *
 * <pre>{@code
 * AllocatorAdvice.advice("Linux", Device.cpu(), System.getenv()).ifPresent(LOG::info);
 * }</pre>
 */
final class AllocatorAdvice {

  /** The environment setting we recommend and our scripts use. */
  static final String TUNABLES = "GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0"
      + ":glibc.malloc.trim_threshold=68719476736";

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
    if (preload.contains("jemalloc") || preload.contains("tcmalloc") || preload.contains("mimalloc")) {
      return Optional.empty();
    }
    boolean heapOnly = tunables.contains("glibc.malloc.mmap_max");
    boolean oneArena = tunables.contains("glibc.malloc.arena_max")
        || environment.containsKey("MALLOC_ARENA_MAX");
    if (heapOnly && oneArena) {
      return Optional.empty();
    }
    if (heapOnly) {
      return Optional.of("training on CPU with GLIBC_TUNABLES=" + tunables + " but no"
          + " glibc.malloc.arena_max: the training thread's glibc arena still unmaps its heaps"
          + " when they empty, so some steps page-fault their tensors back in (0.5-1 s each on a"
          + " 2-core VM). Add glibc.malloc.arena_max=1, as in " + TUNABLES
          + "; see docs/PERFORMANCE.md, 'Memory allocator'.");
    }
    return Optional.of("training on CPU with glibc's default allocator, which returns large freed"
        + " tensors to the kernel so that each step page-faults them back in (1.4-1.6x slower"
        + " MiniLM steps measured on a 2-core VM). For faster steps, start the JVM with " + TUNABLES
        + " (or preload jemalloc/tcmalloc); see docs/PERFORMANCE.md, 'Memory allocator'.");
  }
}
