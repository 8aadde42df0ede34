package dev.finetune.core.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Hugging Face Hub on 127.0.0.1 serving repositories the way huggingface.co does:
 * {@code HEAD/GET /{repo}/resolve/{revision}/{file}} with {@code X-Repo-Commit}; small (git) files
 * answered directly with their git blob sha1 as {@code ETag}; large (LFS) files redirected (302)
 * to {@code /cdn/<sha256>} with {@code X-Linked-Etag} and {@code X-Linked-Size}; the CDN honours
 * {@code Range}. 404 with {@code X-Error-Code} for a missing repository or file, 401 for a gated
 * repository without the right bearer token; on request the CDN cuts one transfer in half or
 * serves corrupt bytes.
 */
final class FakeHub implements AutoCloseable {

  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final String TOKEN = "hf_secret";

  private final HttpServer server;
  private final Map<String, Map<String, byte[]>> repos = new ConcurrentHashMap<>();
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> ranges = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final AtomicBoolean cutNextTransfer = new AtomicBoolean();
  final AtomicBoolean corrupt = new AtomicBoolean();
  volatile String gatedRepo;

  FakeHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void repo(String id, Map<String, byte[]> files) {
    repos.put(id, Map.copyOf(files));
  }

  static boolean large(String file) {
    return file.endsWith(".safetensors");
  }

  static String sha256(byte[] data) {
    return hex("SHA-256", new byte[0], data);
  }

  static String gitSha1(byte[] data) {
    return hex("SHA-1", ("blob " + data.length + "\0").getBytes(StandardCharsets.UTF_8), data);
  }

  private static String hex(String algorithm, byte[] prefix, byte[] data) {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm);
      md.update(prefix);
      return HexFormat.of().formatHex(md.digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      requests.add(x.getRequestMethod() + " " + path);
      if (path.startsWith("/cdn/")) {
        cdn(x, path.substring("/cdn/".length()));
        return;
      }
      int resolve = path.indexOf("/resolve/");
      String repo = path.substring(1, resolve);
      String[] rest = path.substring(resolve + "/resolve/".length()).split("/", 2);
      String revision = rest[0];
      String file = rest[1];
      authorizations.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
      Map<String, byte[]> files = repos.get(repo);
      if (files == null) {
        error(x, 404, "RepositoryNotFound");
        return;
      }
      if (repo.equals(gatedRepo)
          && !("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
        error(x, 401, "GatedRepo");
        return;
      }
      if (!revision.equals("main") && !revision.equals(COMMIT)) {
        error(x, 404, "RevisionNotFound");
        return;
      }
      byte[] data = files.get(file);
      if (data == null) {
        error(x, 404, "EntryNotFound");
        return;
      }
      x.getResponseHeaders().add("X-Repo-Commit", COMMIT);
      if (large(file)) {
        String sha = sha256(data);
        blobs.put(sha, data);
        x.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
        x.getResponseHeaders().add("X-Linked-Size", String.valueOf(data.length));
        x.getResponseHeaders().add("Location", "/cdn/" + sha);
        x.sendResponseHeaders(302, -1);
        return;
      }
      x.getResponseHeaders().add("ETag", "\"" + gitSha1(data) + "\"");
      x.getResponseHeaders().add("X-Linked-Size", String.valueOf(data.length));
      body(x, 200, data, 0);
    }
  }

  private void cdn(HttpExchange x, String sha) throws IOException {
    byte[] data = blobs.get(sha);
    if (data == null) {
      error(x, 404, "EntryNotFound");
      return;
    }
    if (corrupt.get()) {
      data = data.clone();
      data[data.length / 2] ^= 1;
    }
    String range = x.getRequestHeaders().getFirst("Range");
    if (range != null) {
      ranges.add(range);
      int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
      x.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (data.length - 1) + "/" + data.length);
      body(x, 206, data, from);
      return;
    }
    if (cutNextTransfer.getAndSet(false)) {
      x.sendResponseHeaders(200, data.length);
      OutputStream out = x.getResponseBody();
      out.write(data, 0, data.length / 2);
      out.flush();
      throw new IOException("cut on purpose: the exchange closes with half the body sent");
    }
    body(x, 200, data, 0);
  }

  private static void body(HttpExchange x, int status, byte[] data, int from) throws IOException {
    if (x.getRequestMethod().equals("HEAD")) {
      x.sendResponseHeaders(status, -1);
      return;
    }
    x.sendResponseHeaders(status, data.length - from);
    try (OutputStream out = x.getResponseBody()) {
      out.write(data, from, data.length - from);
    }
  }

  private static void error(HttpExchange x, int status, String code) throws IOException {
    x.getResponseHeaders().add("X-Error-Code", code);
    byte[] message = ("{\"error\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
    body(x, status, message, 0);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
