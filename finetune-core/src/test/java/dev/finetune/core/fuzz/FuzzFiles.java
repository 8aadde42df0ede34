package dev.finetune.core.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes fuzz inputs to files in one temporary folder per JVM (parsers read files). */
final class FuzzFiles {

  private static final Path DIR = create();

  private FuzzFiles() {}

  private static Path create() {
    try {
      Path dir = Files.createTempDirectory("fuzz");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** @return the folder */
  static Path dir() {
    return DIR;
  }

  /** Writes {@code data} to {@code name} in the folder and returns the file. */
  static Path write(String name, byte[] data) {
    try {
      Path file = DIR.resolve(name);
      Files.createDirectories(file.getParent());
      return Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
