package dev.finetune.core;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The one folder where finetune keeps what it derives or downloads: converted models under
 * {@code <root>/<model>} and data sets under {@code <root>/data}. It is the system property
 * {@value #PROPERTY}, else the environment variable {@value #ENV}, else {@code ~/.cache/finetune}.
 *
 * <pre>{@code
 * Path data = CacheRoot.path().resolve("data");
 * }</pre>
 */
public final class CacheRoot {

  /** System property naming the cache root. */
  public static final String PROPERTY = "finetune.cache";

  /** Environment variable naming the cache root. */
  public static final String ENV = "FINETUNE_CACHE";

  private CacheRoot() {}

  /**
   * The cache root in force now (read at each call).
   *
   * @return the folder; it may not exist yet
   */
  public static Path path() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(ENV);
    }
    if (dir == null || dir.isBlank()) {
      return Paths.get(System.getProperty("user.home"), ".cache", "finetune");
    }
    return Paths.get(dir);
  }
}
