package dev.finetune.core.data;

import java.net.URI;
import java.util.Objects;

/**
 * A data file known by its place under a data root, and optionally by a public URL and checksum
 * from which it can be downloaded into the cache.
 *
 * <pre>{@code
 * RemoteFile dev = new RemoteFile("sst2/dev.tsv", URI.create("https://example.org/dev.tsv"),
 *     "54a9c12c77e402fc14d6a66a506f24d999f596b0176eb777c972cccc2f9cc4b0");
 * Path local = DataLocation.defaults().resolve(dev);
 * }</pre>
 *
 * @param relativePath where the file lies under a data root or the cache, e.g. {@code sst2/dev.tsv}
 * @param url where to download it from, or {@code null} when it cannot be downloaded
 * @param sha256 the expected SHA-256 (lower-case hex) of the downloaded bytes, or {@code null} only
 *     when {@code url} is null
 */
public record RemoteFile(String relativePath, URI url, String sha256) {

  /** Checks that a downloadable file has a checksum. */
  public RemoteFile {
    Objects.requireNonNull(relativePath, "relativePath");
    if (url != null && (sha256 == null || !sha256.matches("[0-9a-f]{64}"))) {
      throw new IllegalArgumentException(
          "a downloadable file needs its sha256 as 64 lower-case hex digits: " + relativePath);
    }
  }

  /**
   * A file that can only be provided locally.
   *
   * @param relativePath the path under a data root
   * @return the file description
   */
  public static RemoteFile localOnly(String relativePath) {
    return new RemoteFile(relativePath, null, null);
  }

  /**
   * The same file fetched from another URL (e.g. a mirror), with the same checksum.
   *
   * @param mirror the new URL
   * @return a copy with the URL replaced
   */
  public RemoteFile withUrl(URI mirror) {
    return new RemoteFile(relativePath, mirror, sha256);
  }
}
