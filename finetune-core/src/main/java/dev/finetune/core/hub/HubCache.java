package dev.finetune.core.hub;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model folders from the Hugging Face Hub, kept in the cache layout {@code huggingface_hub} uses,
 * so a model a Python user already downloaded is found and one downloaded here is found by
 * Python: {@code <cache>/models--org--name/blobs/<etag>} (the file contents),
 * {@code refs/<revision>} (the commit a branch or tag pointed to), and
 * {@code snapshots/<commit>/<file>} (relative symbolic links to the blobs; copies where the file
 * system has no links).
 *
 * <p>Online, each file comes from {@code {endpoint}/{repo}/resolve/{revision}/{file}}: a
 * {@code HEAD} request gives the commit ({@code X-Repo-Commit}) and the blob's ETag
 * ({@code X-Linked-Etag}, the sha256 of large files, else {@code ETag}, the git blob hash); a blob
 * already cached is not downloaded again; a download follows the Hub's redirect to its CDN, goes
 * to {@code blobs/<etag>.incomplete}, resumes with a {@code Range} request when the transfer is
 * cut, is checked against the ETag (sha256 or git blob sha1) and only then renamed into place.
 * {@code HF_TOKEN} is sent as a bearer token to the Hub (not to the CDN). Offline
 * ({@code HF_HUB_OFFLINE=1} or {@code -Dai.djl.offline=true}), only the cache is read.
 *
 * <pre>{@code
 * Path folder = HubCache.system().snapshot("sentence-transformers/all-MiniLM-L6-v2");
 * Path pinned = HubCache.system().snapshot("FacebookAI/roberta-base", commit);   // 40 hex digits
 * PretrainedEncoder encoder = Encoders.fromHub("distilbert/distilbert-base-uncased");
 * }</pre>
 */
public final class HubCache {

  private static final Logger LOG = LoggerFactory.getLogger(HubCache.class);

  /** The files a model folder needs; tokenizer.json is optional. */
  private static final String CONFIG = "config.json";
  private static final String TOKENIZER = "tokenizer.json";
  private static final String WEIGHTS = "model.safetensors";
  private static final String INDEX = "model.safetensors.index.json";
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
  private static final int ATTEMPTS = 5;

  private final HubEnvironment env;
  private final HttpClient http;
  private final PrintStream progress;

  private HubCache(HubEnvironment env, PrintStream progress) {
    this.env = Objects.requireNonNull(env, "env");
    this.progress = progress;
    this.http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(30))
        .build();
  }

  /**
   * The cache and Hub of this process's environment; download progress on the terminal when
   * there is one.
   *
   * @return the cache
   */
  public static HubCache system() {
    return new HubCache(HubEnvironment.system(), System.console() != null ? System.err : null);
  }

  /**
   * The cache and Hub of a given environment, without progress output (tests, services).
   *
   * @param env the environment
   * @return the cache
   */
  public static HubCache of(HubEnvironment env) {
    return new HubCache(env, null);
  }

  /**
   * The environment.
   *
   * @return where the cache and the Hub are
   */
  public HubEnvironment environment() {
    return env;
  }

  /**
   * The model folder of a repository's {@code main} branch, downloaded when online.
   *
   * @param repoId e.g. {@code distilbert/distilbert-base-uncased}
   * @return the snapshot folder (config.json, weights, tokenizer.json when the repository has one)
   * @throws CheckpointException when the repository or a file does not exist, access is refused,
   *     a download fails its checksum, or offline and not cached (naming what to download)
   */
  public Path snapshot(String repoId) {
    return snapshot(repoId, "main");
  }

  /**
   * The model folder of a repository at a branch, tag or commit.
   *
   * @param repoId e.g. {@code FacebookAI/xlm-roberta-base}
   * @param revision a branch, a tag or a 40-character commit hash (pinned)
   * @return the snapshot folder
   * @throws CheckpointException as {@link #snapshot(String)}
   */
  public Path snapshot(String repoId, String revision) {
    checkRepoId(repoId);
    Objects.requireNonNull(revision, "revision");
    Path repo = repoDir(repoId);
    if (env.offline()) {
      return cached(repoId, revision, repo).orElseThrow(() -> notCached(repoId, revision, repo));
    }
    Remote config = head(repoId, revision, CONFIG, true).orElseThrow();
    String commit = config.commit();
    Path snapshot = repo.resolve("snapshots").resolve(commit);
    fetch(repoId, revision, CONFIG, config, repo, snapshot);
    Optional<Remote> weights = head(repoId, revision, WEIGHTS, false);
    if (weights.isPresent()) {
      fetch(repoId, revision, WEIGHTS, weights.get(), repo, snapshot);
    } else {
      Remote index = head(repoId, revision, INDEX, false).orElseThrow(() -> new CheckpointException(
          repoId + " at " + revision + " has no " + WEIGHTS + " or " + INDEX + " (" + resolveUrl(repoId, revision, WEIGHTS)
              + "): this library reads safetensors weights; a repository with only pytorch_model.bin"
              + " must be converted in Python first"));
      fetch(repoId, revision, INDEX, index, repo, snapshot);
      for (String shard : shards(snapshot.resolve(INDEX))) {
        fetch(repoId, revision, shard, head(repoId, revision, shard, true).orElseThrow(), repo, snapshot);
      }
    }
    head(repoId, revision, TOKENIZER, false)
        .ifPresent(t -> fetch(repoId, revision, TOKENIZER, t, repo, snapshot));
    if (!COMMIT.matcher(revision).matches()) {
      writeRef(repo, revision, commit);
    }
    return snapshot;
  }

  /**
   * The folder of one repository in the cache.
   *
   * @param repoId e.g. {@code org/name}
   * @return {@code <cache>/models--org--name}
   */
  public Path repoDir(String repoId) {
    checkRepoId(repoId);
    return env.cacheDir().resolve("models--" + repoId.replace("/", "--"));
  }

  private static void checkRepoId(String repoId) {
    if (repoId == null || !REPO.matcher(repoId).matches() || repoId.contains("..")) {
      throw new IllegalArgumentException(
          "\"" + repoId + "\" is not a Hub repository id; expected \"org/name\" (e.g."
              + " distilbert/distilbert-base-uncased)");
    }
  }

  /** The cached snapshot of a revision, when it holds config.json and its weights. */
  private Optional<Path> cached(String repoId, String revision, Path repo) {
    String commit = revision;
    if (!COMMIT.matcher(revision).matches()) {
      Path ref = repo.resolve("refs").resolve(revision);
      if (!Files.isRegularFile(ref)) {
        return Optional.empty();
      }
      try {
        commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + ref, e);
      }
    }
    Path snapshot = repo.resolve("snapshots").resolve(commit);
    if (!Files.isRegularFile(snapshot.resolve(CONFIG))) {
      return Optional.empty();
    }
    if (Files.isRegularFile(snapshot.resolve(WEIGHTS))) {
      return Optional.of(snapshot);
    }
    if (Files.isRegularFile(snapshot.resolve(INDEX))
        && shards(snapshot.resolve(INDEX)).stream().allMatch(s -> Files.isRegularFile(snapshot.resolve(s)))) {
      return Optional.of(snapshot);
    }
    return Optional.empty();
  }

  private CheckpointException notCached(String repoId, String revision, Path repo) {
    return new CheckpointException(
        "offline (" + env.offlineReason() + ") and " + repoId + " at " + revision
            + " is not in the Hugging Face cache " + env.cacheDir() + " (no complete "
            + repo.resolve("snapshots") + "/<commit>/ with " + CONFIG + " and " + WEIGHTS
            + "); download it where the network is reachable, e.g. `huggingface-cli download "
            + repoId + (revision.equals("main") ? "" : " --revision " + revision)
            + "` with HF_HUB_CACHE=" + env.cacheDir() + ", or turn offline mode off");
  }

  /** What the Hub says about one file. */
  private record Remote(String commit, String etag, long size) {}

  private URI resolveUrl(String repoId, String revision, String file) {
    return URI.create(env.endpoint() + "/" + repoId + "/resolve/" + revision + "/" + file);
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
        .header("User-Agent", "finetune-java (huggingface_hub cache layout)");
    URI hub = env.endpoint();
    if (Objects.equals(uri.getHost(), hub.getHost()) && uri.getPort() == hub.getPort()) {
      env.token().ifPresent(t -> b.header("Authorization", "Bearer " + t));
    }
    return b;
  }

  /** HEAD on the resolve URL: commit, ETag and size; empty for a missing optional file. */
  private Optional<Remote> head(String repoId, String revision, String file, boolean required) {
    URI uri = resolveUrl(repoId, revision, file);
    HttpResponse<Void> response;
    try {
      response = http.send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new CheckpointException("cannot reach the Hugging Face Hub at " + env.endpoint() + " for "
          + uri + " (" + e + "); check the network or HF_ENDPOINT, or work offline with"
          + " HF_HUB_OFFLINE=1 from the cache " + env.cacheDir(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CheckpointException("interrupted while asking the Hub for " + uri, e);
    }
    int status = response.statusCode();
    String error = response.headers().firstValue("X-Error-Code").orElse("");
    if (status == 401 || status == 403) {
      boolean tokenSent = env.token().isPresent();
      throw new CheckpointException(uri + ": HTTP " + status + ", access to " + repoId + " refused"
          + (tokenSent
              ? "; the token in HF_TOKEN has no access: accept the model's conditions at "
                  + env.endpoint() + "/" + repoId + " with the account of that token"
              : "; the model is gated or private: accept its conditions at " + env.endpoint() + "/"
                  + repoId + " and set HF_TOKEN to an access token (or run huggingface-cli login)"));
    }
    if (status == 404) {
      if (error.equals("RepositoryNotFound") || error.equals("RevisionNotFound") || required) {
        throw new CheckpointException(uri + ": HTTP 404, "
            + (error.equals("RepositoryNotFound") ? "no such repository " + repoId + " on " + env.endpoint()
                + " (check the name, e.g. org/name)"
                : error.equals("RevisionNotFound") ? "no revision " + revision + " in " + repoId
                : "no file " + file + " in " + repoId + " at " + revision));
      }
      return Optional.empty();
    }
    if (status / 100 != 2 && status / 100 != 3) {
      throw new CheckpointException(uri + ": HTTP " + status + " from the Hub" + (error.isEmpty() ? "" : " (" + error + ")"));
    }
    String commit = response.headers().firstValue("X-Repo-Commit").orElse(null);
    String etag = response.headers().firstValue("X-Linked-Etag")
        .or(() -> response.headers().firstValue("ETag")).map(HubCache::unquote).orElse(null);
    if (commit == null || !COMMIT.matcher(commit).matches() || etag == null || etag.isEmpty()
        || !etag.matches("[A-Za-z0-9._-]+")) {
      throw new CheckpointException(uri + ": the server did not send a commit (X-Repo-Commit) and an"
          + " ETag; is HF_ENDPOINT (" + env.endpoint() + ") a Hugging Face Hub?");
    }
    long size = response.headers().firstValue("X-Linked-Size")
        .or(() -> response.headers().firstValue("Content-Length"))
        .map(Long::parseLong).orElse(-1L);
    return Optional.of(new Remote(commit, etag, size));
  }

  private static String unquote(String etag) {
    String e = etag.startsWith("W/") ? etag.substring(2) : etag;
    return e.replace("\"", "");
  }

  /** Makes snapshots/commit/file point at blobs/etag, downloading the blob when absent. */
  private void fetch(String repoId, String revision, String file, Remote remote, Path repo, Path snapshot) {
    Path blob = repo.resolve("blobs").resolve(remote.etag());
    try {
      if (!Files.isRegularFile(blob)) {
        Files.createDirectories(blob.getParent());
        download(resolveUrl(repoId, revision, file), remote, blob);
      } else {
        LOG.debug("{} {} is cached as {}", repoId, file, blob);
      }
      link(snapshot.resolve(file), blob);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + " of " + repoId + " to the cache " + repo + ": " + e, e);
    }
  }

  private void download(URI uri, Remote remote, Path blob) throws IOException {
    Path partial = blob.resolveSibling(blob.getFileName() + ".incomplete");
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      long have = Files.exists(partial) ? Files.size(partial) : 0;
      try {
        transfer(uri, remote, partial, have);
        last = null;
        break;
      } catch (IOException e) {
        last = e;
        LOG.warn("download of {} cut after {} bytes ({}); resuming (attempt {} of {})",
            uri, Files.exists(partial) ? Files.size(partial) : 0, e.getMessage(), attempt, ATTEMPTS);
      }
    }
    if (last != null) {
      throw new CheckpointException("cannot download " + uri + " after " + ATTEMPTS + " attempts: " + last
          + "; the partial file " + partial + " is kept and the next try resumes it", last);
    }
    verify(uri, remote, partial);
    try {
      Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException raced) {
      Files.deleteIfExists(partial); // another process finished the same blob
    }
  }

  /** One GET (following redirects), appending to the partial file from {@code have}. */
  private void transfer(URI uri, Remote remote, Path partial, long have) throws IOException {
    URI at = uri;
    HttpResponse<InputStream> response = null;
    for (int hops = 0; hops < 10; hops++) {
      HttpRequest.Builder b = request(at).GET();
      if (have > 0) {
        b.header("Range", "bytes=" + have + "-");
      }
      try {
        response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      int status = response.statusCode();
      if (status / 100 == 3) {
        response.body().close();
        String location = response.headers().firstValue("Location")
            .orElseThrow(() -> new IOException("redirect without a Location header from " + uri));
        at = at.resolve(location);
        continue;
      }
      break;
    }
    int status = response.statusCode();
    if (status == 416 && have > 0 && have == remote.size()) {
      response.body().close();
      return; // already complete
    }
    if (status != 200 && status != 206) {
      response.body().close();
      throw new CheckpointException(at + ": HTTP " + status + " while downloading " + uri);
    }
    boolean append = status == 206;
    long done = append ? have : 0;
    long total = remote.size();
    long lastShown = System.nanoTime();
    try (InputStream in = response.body();
        OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        done += n;
        if (progress != null && System.nanoTime() - lastShown > 200_000_000L) {
          lastShown = System.nanoTime();
          showProgress(uri, done, total);
        }
      }
    }
    if (progress != null) {
      showProgress(uri, done, total);
      progress.println();
    }
    if (total >= 0 && done < total) {
      throw new IOException("the server closed the transfer at byte " + done + " of " + total);
    }
  }

  private void showProgress(URI uri, long done, long total) {
    String name = uri.getPath().substring(uri.getPath().lastIndexOf('/') + 1);
    progress.print(total > 0
        ? String.format("\r%s: %5.1f%% of %.1f MB", name, 100.0 * done / total, total / 1e6)
        : String.format("\r%s: %.1f MB", name, done / 1e6));
    progress.flush();
  }

  /** The ETag is the sha256 (large files) or the git blob sha1 of the contents. */
  private static void verify(URI uri, Remote remote, Path file) throws IOException {
    String etag = remote.etag().toLowerCase(java.util.Locale.ROOT);
    String actual;
    if (etag.matches("[0-9a-f]{64}")) {
      actual = digest("SHA-256", null, file);
    } else if (etag.matches("[0-9a-f]{40}")) {
      actual = digest("SHA-1", ("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.UTF_8), file);
    } else {
      LOG.debug("{}: ETag {} is no content hash; not verified", uri, etag);
      return;
    }
    if (!actual.equals(etag)) {
      Files.deleteIfExists(file);
      throw new CheckpointException("download of " + uri + " is corrupt: its hash is " + actual
          + " but the Hub announced " + etag + "; the file was deleted, try again");
    }
  }

  private static String digest(String algorithm, byte[] prefix, Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm, e);
    }
    if (prefix != null) {
      md.update(prefix);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        md.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** A relative symbolic link as huggingface_hub makes; a copy where links are not possible. */
  private static void link(Path target, Path blob) throws IOException {
    Files.createDirectories(target.getParent());
    Path relative = target.getParent().relativize(blob);
    if (Files.isSymbolicLink(target) && Files.readSymbolicLink(target).equals(relative)) {
      return;
    }
    Files.deleteIfExists(target);
    try {
      Files.createSymbolicLink(target, relative);
    } catch (UnsupportedOperationException | IOException e) {
      Path temp = target.resolveSibling(target.getFileName() + ".tmp");
      Files.copy(blob, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void writeRef(Path repo, String revision, String commit) {
    Path ref = repo.resolve("refs").resolve(revision);
    try {
      Files.createDirectories(ref.getParent());
      Path temp = ref.resolveSibling(ref.getFileName() + ".tmp");
      Files.writeString(temp, commit, StandardCharsets.UTF_8);
      Files.move(temp, ref, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + ref, e);
    }
  }

  private static List<String> shards(Path index) {
    try {
      JsonObject map = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8))
          .getAsJsonObject().getAsJsonObject("weight_map");
      if (map == null) {
        throw new CheckpointException(index + " has no \"weight_map\" object");
      }
      Set<String> files = new LinkedHashSet<>();
      for (var e : map.entrySet()) {
        String shard = e.getValue().getAsString();
        if (shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
          throw new CheckpointException(index + " names a shard outside the folder: " + shard);
        }
        files.add(shard);
      }
      return new ArrayList<>(files);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + index, e);
    } catch (JsonParseException | IllegalStateException | ClassCastException e) {
      throw new CheckpointException(index + " is not a valid safetensors index: " + e.getMessage(), e);
    }
  }
}
