package dev.finetune.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the workplace's {@code shared/} folder (data sets, models, PyTorch references) for tests.
 *
 * <p>When the folder or the requested file is missing, the calling test is <em>skipped</em>, so a
 * fresh clone without {@code ../shared} still passes; when the environment variable
 * {@code FINETUNE_REQUIRE_SHARED=1} is set (CI does), the test <em>fails</em> instead.
 *
 * <p>The folder is found as, in order: the system property {@code finetune.shared}, the environment
 * variable {@code FINETUNE_SHARED}, then a directory named {@code shared} beside the working
 * directory or any of its parents (so {@code ../shared} next to the checkout, from any module).
 *
 * <pre>{@code
 * @BeforeAll
 * static void needsModel() {
 *   modelDir = SharedResources.require("models/all-minilm-l6-v2/config.json").getParent();
 * }
 * }</pre>
 */
public final class SharedResources {

  /** Environment variable that turns a missing shared resource from a skip into a failure. */
  public static final String REQUIRE_ENV = "FINETUNE_REQUIRE_SHARED";

  private SharedResources() {}

  /**
   * Returns the shared root, or skips (fails under {@code FINETUNE_REQUIRE_SHARED=1}) when absent.
   *
   * @return the absolute path of the shared folder
   */
  public static Path root() {
    Path root = locate();
    if (root == null) {
      missing("the shared folder (../shared beside the checkout, or -Dfinetune.shared=DIR)");
    }
    return root;
  }

  /**
   * Returns {@code root().resolve(relative)} after checking that it exists; skips or fails otherwise.
   *
   * @param relative a path inside the shared folder, such as {@code data/sst2/dev.tsv}
   * @return the absolute path of the resource
   */
  public static Path require(String relative) {
    Path path = root().resolve(relative);
    if (!Files.exists(path)) {
      missing(path.toString());
    }
    return path;
  }

  /**
   * Tells whether missing shared resources must fail the test run.
   *
   * @return true when {@code FINETUNE_REQUIRE_SHARED=1} (or {@code true})
   */
  public static boolean required() {
    String value = System.getenv(REQUIRE_ENV);
    return value != null && (value.equals("1") || value.equalsIgnoreCase("true"));
  }

  /**
   * Finds the shared folder without skipping or failing.
   *
   * @return the shared folder, or {@code null} when none is found
   */
  public static Path locate() {
    String explicit = System.getProperty("finetune.shared");
    if (explicit == null || explicit.isBlank()) {
      explicit = System.getenv("FINETUNE_SHARED");
    }
    if (explicit != null && !explicit.isBlank()) {
      Path path = Paths.get(explicit).toAbsolutePath().normalize();
      return Files.isDirectory(path) ? path : null;
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared");
      if (Files.isDirectory(candidate.resolve("data"))
          || Files.isDirectory(candidate.resolve("models"))) {
        return candidate.normalize();
      }
      Path sibling = dir.resolveSibling("shared");
      if (dir.getParent() != null
          && (Files.isDirectory(sibling.resolve("data"))
              || Files.isDirectory(sibling.resolve("models")))) {
        return sibling.normalize();
      }
    }
    return null;
  }

  private static void missing(String what) {
    String message = "shared resource not found: " + what;
    if (required()) {
      Assertions.fail(message + " (" + REQUIRE_ENV + "=1 makes this a failure)");
    }
    Assumptions.abort(message + " (test skipped; set " + REQUIRE_ENV + "=1 to fail instead)");
  }
}
