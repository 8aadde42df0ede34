package dev.finetune.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a main of this module in a child JVM (the test's class path, offline, 1 GiB heap, the
 * same reduction order in every run as ResumeAfterKillTest), its output in {@code stdout-N.txt}
 * and {@code stderr-N.txt} of a folder, N counting the starts; and stops one with a real SIGTERM.
 */
final class ChildMains {
  private final Path dir;
  private int started;

  ChildMains(Path dir) {
    this.dir = dir;
  }

  Process start(Class<?> main, List<String> args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Dai.djl.offline=true", "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout-" + started + ".txt").toFile())
        .redirectError(dir.resolve("stderr-" + started + ".txt").toFile());
    started++;
    builder.environment().put("MKL_DYNAMIC", "FALSE");
    builder.environment().put("OMP_DYNAMIC", "FALSE");
    return builder.start();
  }

  /**
   * Waits until {@code file} exists (at most 4 minutes), sends SIGTERM and waits for the exit,
   * asserting that the process was still running and that it exited with the stopped code.
   *
   * @return the process's standard error of start {@code n}
   */
  String stopWhenExists(Process process, Path file, String endedEarly, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!Files.exists(file) && process.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(process.isAlive()).as(endedEarly).isTrue();
    process.destroy(); // SIGTERM
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
    String err = Files.readString(dir.resolve("stderr-" + n + ".txt"));
    assertThat(process.exitValue()).as(err).isEqualTo(ExitCodes.STOPPED);
    return err;
  }
}
