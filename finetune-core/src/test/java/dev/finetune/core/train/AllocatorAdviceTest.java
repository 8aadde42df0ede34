package dev.finetune.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The allocator advice appears only where it helps: Linux, CPU, default glibc settings. */
class AllocatorAdviceTest {

  @Test
  void advisesOnLinuxCpuWithDefaultGlibc() {
    assertThat(AllocatorAdvice.advice("Linux", Device.cpu(), Map.of()))
        .hasValueSatisfying(text -> assertThat(text).contains(AllocatorAdvice.TUNABLES, "page-fault"));
    assertThat(AllocatorAdvice.advice("Linux", Device.cpu(), Map.of("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0")))
        .isPresent();
  }

  @Test
  void asksForOneArenaWhenOnlyTheHeapIsTuned() {
    assertThat(AllocatorAdvice.advice("Linux", Device.cpu(),
        Map.of("GLIBC_TUNABLES", "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736")))
        .hasValueSatisfying(text -> assertThat(text)
            .contains("no glibc.malloc.arena_max", "arena_max=1", AllocatorAdvice.TUNABLES)
            .doesNotContain("default allocator"));
  }

  @Test
  void staysQuietWhereItDoesNotApply() {
    assertThat(AllocatorAdvice.advice("Mac OS X", Device.cpu(), Map.of())).isEmpty();
    assertThat(AllocatorAdvice.advice("Linux", Device.gpu(), Map.of())).isEmpty();
    assertThat(AllocatorAdvice.advice("Linux", Device.cpu(),
        Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0"))).isEmpty();
    assertThat(AllocatorAdvice.advice("Linux", Device.cpu(),
        Map.of("GLIBC_TUNABLES", "glibc.malloc.mmap_max=0", "MALLOC_ARENA_MAX", "1"))).isEmpty();
    assertThat(AllocatorAdvice.advice("Linux", Device.cpu(),
        Map.of("LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"))).isEmpty();
  }
}
