package dev.finetune.core.data;

import dev.finetune.core.CacheRoot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where data files are looked for, and whether missing ones may be downloaded.
 *
 * <p>A {@link RemoteFile} with relative path {@code p} resolves to the first existing of: {@code
 * root/p} (the data root: system property {@value #ROOT_PROPERTY}, else environment variable
 * {@value #ROOT_ENV}), then {@code cache/p} (the {@code data} folder of {@link CacheRoot}, by default
 * {@code ~/.cache/finetune/data}). If neither exists and the file has a
 * URL and downloads are on (system property {@value #DOWNLOAD_PROPERTY}, default true), it is
 * downloaded into the cache with bounded connect/read timeouts, checked against its SHA-256 and
 * moved into place atomically. Otherwise — or when the download fails, e.g. offline — a {@link
 * DataException} says exactly where to put the file. An explicit directory given to a loader (e.g.
 * {@code Glue.sst2(Path)}) bypasses all of this.
 *
 * <pre>{@code
 * DataLocation offline = DataLocation.defaults().withDownloads(false);
 * DatasetSplit sst2 = Glue.sst2(offline.withRoot(Path.of("/data/glue")));
 * }</pre>
 */
public final class DataLocation {

  /** System property naming the data root. */
  public static final String ROOT_PROPERTY = "finetune.data";

  /** Environment variable naming the data root. */
  public static final String ROOT_ENV = "FINETUNE_DATA";

  /** System property that turns downloads off when {@code false}. */
  public static final String DOWNLOAD_PROPERTY = "finetune.download";

  private static final Logger LOG = LoggerFactory.getLogger(DataLocation.class);

  private final Path root;
  private final Path cacheDir;
  private final boolean downloads;
  private final Duration connectTimeout;
  private final Duration readTimeout;

  private DataLocation(
      Path root, Path cacheDir, boolean downloads, Duration connectTimeout, Duration readTimeout) {
    this.root = root;
    this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    this.downloads = downloads;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  /**
   * The location configured by system properties and environment variables (read now).
   *
   * @return the default location
   */
  public static DataLocation defaults() {
    String rootValue = setting(ROOT_PROPERTY, ROOT_ENV);
    Path cache = CacheRoot.path().resolve("data");
    boolean download = !"false".equalsIgnoreCase(System.getProperty(DOWNLOAD_PROPERTY, "true"));
    return new DataLocation(
        rootValue == null ? null : Paths.get(rootValue),
        cache,
        download,
        Duration.ofSeconds(10),
        Duration.ofSeconds(30));
  }

  /**
   * The same location with another data root.
   *
   * @param dataRoot the root, or {@code null} for none
   * @return a new location
   */
  public DataLocation withRoot(Path dataRoot) {
    return new DataLocation(dataRoot, cacheDir, downloads, connectTimeout, readTimeout);
  }

  /**
   * The same location with another cache directory.
   *
   * @param cache the cache directory
   * @return a new location
   */
  public DataLocation withCacheDir(Path cache) {
    return new DataLocation(root, cache, downloads, connectTimeout, readTimeout);
  }

  /**
   * The same location with downloads on or off.
   *
   * @param enabled whether missing files may be downloaded
   * @return a new location
   */
  public DataLocation withDownloads(boolean enabled) {
    return new DataLocation(root, cacheDir, enabled, connectTimeout, readTimeout);
  }

  /**
   * The same location with other download timeouts.
   *
   * @param connect the connect timeout
   * @param read the timeout of each read of the response body
   * @return a new location
   */
  public DataLocation withTimeouts(Duration connect, Duration read) {
    return new DataLocation(root, cacheDir, downloads, connect, read);
  }

  /**
   * The data root.
   *
   * @return the root, or {@code null} when none is configured
   */
  public Path root() {
    return root;
  }

  /**
   * The cache directory.
   *
   * @return the cache directory
   */
  public Path cacheDir() {
    return cacheDir;
  }

  /**
   * Whether missing files may be downloaded.
   *
   * @return true when downloads are on
   */
  public boolean downloads() {
    return downloads;
  }

  /**
   * Finds a file locally or downloads it into the cache.
   *
   * @param file the file
   * @return the path of an existing local copy
   * @throws DataException when the file is not found and cannot be downloaded
   */
  public Path resolve(RemoteFile file) {
    if (root != null) {
      Path candidate = root.resolve(file.relativePath());
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    Path cached = cacheDir.resolve(file.relativePath());
    if (Files.isRegularFile(cached)) {
      return cached;
    }
    String why;
    if (file.url() == null) {
      why = "it cannot be downloaded automatically";
    } else if (!downloads) {
      why = "downloads are off (-D" + DOWNLOAD_PROPERTY + "=false)";
    } else {
      try {
        download(file, cached);
        return cached;
      } catch (IOException e) {
        why = "downloading " + file.url() + " failed (" + e + ")";
      }
    }
    throw new DataException(notFoundMessage(file, why));
  }

  private String notFoundMessage(RemoteFile file, String why) {
    StringBuilder message = new StringBuilder();
    message.append("data file ").append(file.relativePath()).append(" not found and ").append(why);
    message.append(". Looked in: ");
    if (root != null) {
      message.append(root.resolve(file.relativePath())).append(", ");
    } else {
      message.append("(no data root: -D" + ROOT_PROPERTY + " / " + ROOT_ENV + " unset), ");
    }
    message.append(cacheDir.resolve(file.relativePath())).append(". Put the file at ");
    message.append(cacheDir.resolve(file.relativePath()));
    message.append(", or set -D" + ROOT_PROPERTY + "=DIR (or " + ROOT_ENV + "=DIR) with it at DIR/");
    message.append(file.relativePath());
    if (file.url() != null) {
      message.append(". Source: ").append(file.url()).append(" (sha256 ").append(file.sha256());
      message.append(')');
    }
    return message.toString();
  }

  private void download(RemoteFile file, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".part");
    LOG.info("downloading {} to {}", file.url(), target);
    try {
      URLConnection connection = file.url().toURL().openConnection();
      connection.setConnectTimeout(Math.toIntExact(connectTimeout.toMillis()));
      connection.setReadTimeout(Math.toIntExact(readTimeout.toMillis()));
      if (connection instanceof HttpURLConnection http) {
        int status = http.getResponseCode();
        if (status != HttpURLConnection.HTTP_OK) {
          throw new IOException("HTTP " + status + " from " + file.url());
        }
      }
      MessageDigest digest = sha256();
      try (InputStream in = new DigestInputStream(connection.getInputStream(), digest);
          OutputStream out = Files.newOutputStream(temp)) {
        in.transferTo(out);
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (!actual.equals(file.sha256())) {
        throw new IOException(
            "checksum mismatch: expected sha256 " + file.sha256() + ", got " + actual);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  private static String setting(String property, String env) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? null : value;
  }

  @Override
  public String toString() {
    return "DataLocation[root=" + root + ", cache=" + cacheDir + ", downloads=" + downloads + "]";
  }
}
