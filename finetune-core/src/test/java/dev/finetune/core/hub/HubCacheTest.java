package dev.finetune.core.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.core.checkpoint.CheckpointException;
import dev.finetune.core.model.Encoders;
import dev.finetune.core.model.PretrainedEncoder;
import dev.finetune.core.model.SequenceClassifier;
import dev.finetune.core.model.TinyFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hugging Face cache layout and downloads, against {@link FakeHub} on 127.0.0.1. */
class HubCacheTest {

  @TempDir Path temp;
  private FakeHub hub;
  private Map<String, byte[]> files;
  private float[] logits;

  @BeforeEach
  void start() throws IOException {
    Path saved = temp.resolve("saved");
    try (SequenceClassifier model = TinyFixtures.bert(2, 3)) {
      model.save(saved);
      logits = logits(model);
    }
    files = new LinkedHashMap<>();
    for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json"}) {
      files.put(f, Files.readAllBytes(saved.resolve(f)));
    }
    hub = new FakeHub();
    hub.repo("org/tiny", files);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private static float[] logits(SequenceClassifier model) {
    try (var m = model.manager().newSubManager()) {
      return model.forward(TinyFixtures.batch(m), false).singletonOrThrow().toFloatArray();
    }
  }

  private Map<String, String> env(String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put("HF_HUB_CACHE", temp.resolve("cache").toString());
    env.put("HF_ENDPOINT", hub.endpoint() + "/");
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  private HubCache cache(String... extra) {
    return HubCache.of(HubEnvironment.of(env(extra)));
  }

  @Test
  void downloadsIntoTheHuggingFaceCacheLayoutAndLoadsFromIt() throws IOException {
    PretrainedEncoder encoder = Encoders.loader().hub(cache()).fromHub("org/tiny");
    try (SequenceClassifier model = encoder.classifier().build()) {
      assertThat(logits(model)).containsExactly(logits);
    }
    assertThat(encoder.name()).as("recorded as base_model_name_or_path").isEqualTo("org/tiny");
    Path repo = temp.resolve("cache/models--org--tiny");
    assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(FakeHub.COMMIT);
    Path snapshot = repo.resolve("snapshots").resolve(FakeHub.COMMIT);
    String sha = FakeHub.sha256(files.get("model.safetensors"));
    assertThat(Files.readSymbolicLink(snapshot.resolve("model.safetensors")))
        .isEqualTo(Path.of("..", "..", "blobs", sha));
    assertThat(Files.readSymbolicLink(snapshot.resolve("config.json")))
        .isEqualTo(Path.of("..", "..", "blobs", FakeHub.gitSha1(files.get("config.json"))));
    assertThat(Files.readAllBytes(repo.resolve("blobs").resolve(sha))).isEqualTo(files.get("model.safetensors"));
    try (var listing = Files.list(repo.resolve("blobs"))) {
      assertThat(listing).noneMatch(p -> p.toString().endsWith(".incomplete"));
    }
    assertThat(hub.requests).as("the Hub redirected the weights to its CDN")
        .contains("GET /cdn/" + sha);

    // cached blobs are not downloaded again; offline, the Hub is not asked at all
    hub.requests.clear();
    cache().snapshot("org/tiny");
    assertThat(hub.requests).noneMatch(r -> r.startsWith("GET"));
    hub.requests.clear();
    Path offline = cache("HF_HUB_OFFLINE", "1").snapshot("org/tiny");
    assertThat(offline).isEqualTo(snapshot);
    assertThat(hub.requests).isEmpty();
  }

  @Test
  void aPinnedRevisionIsRequestedAsIsAndWritesNoRef() {
    Path snapshot = cache().snapshot("org/tiny", FakeHub.COMMIT);
    assertThat(snapshot.getFileName().toString()).isEqualTo(FakeHub.COMMIT);
    assertThat(hub.requests).contains("HEAD /org/tiny/resolve/" + FakeHub.COMMIT + "/config.json");
    assertThat(temp.resolve("cache/models--org--tiny/refs")).doesNotExist();
    assertThat(cache("HF_HUB_OFFLINE", "true").snapshot("org/tiny", FakeHub.COMMIT)).isEqualTo(snapshot);
    assertThatThrownBy(() -> cache().snapshot("org/tiny", "v9"))
        .hasMessageContaining("no revision v9 in org/tiny");
  }

  @Test
  void findsAModelPythonAlreadyDownloadedUnderHfHome() throws IOException {
    Path repo = temp.resolve("home/hub/models--someone--model");
    Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(FakeHub.COMMIT));
    Files.createDirectories(repo.resolve("blobs"));
    for (var e : files.entrySet()) {
      Path blob = Files.write(repo.resolve("blobs").resolve(FakeHub.gitSha1(e.getValue())), e.getValue());
      Files.createSymbolicLink(snapshot.resolve(e.getKey()), snapshot.relativize(blob));
    }
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs/main"), FakeHub.COMMIT + "\n");
    Map<String, String> variables =
        Map.of("HF_HOME", temp.resolve("home").toString(), "HF_ENDPOINT", hub.endpoint());
    HubEnvironment env = HubEnvironment.of(variables::get,
        name -> name.equals(HubEnvironment.DJL_OFFLINE) ? "true" : null);
    assertThat(env.offline()).as("DJL's offline flag").isTrue();
    PretrainedEncoder encoder = Encoders.loader().hub(HubCache.of(env)).fromHub("someone/model");
    try (SequenceClassifier model = encoder.classifier().build()) {
      assertThat(logits(model)).containsExactly(logits);
    }
    assertThat(hub.requests).isEmpty();
  }

  @Test
  void offlineAndNotCachedSaysWhatToDownloadAndWhere() {
    assertThatThrownBy(() -> cache("HF_HUB_OFFLINE", "1").snapshot("org/tiny"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("offline (HF_HUB_OFFLINE=1)")
        .hasMessageContaining("huggingface-cli download org/tiny")
        .hasMessageContaining(temp.resolve("cache").toString());
    assertThat(hub.requests).isEmpty();
  }

  @Test
  void aTransferCutInHalfIsResumedWithRangeAndChecked() throws IOException {
    hub.cutNextTransfer.set(true);
    Path snapshot = cache().snapshot("org/tiny");
    byte[] weights = files.get("model.safetensors");
    // one resumed request, from what arrived before the cut: at most the half the server sent (a
    // connection cut can lose the last bytes in flight), and more than nothing
    assertThat(hub.ranges).hasSize(1);
    assertThat(hub.ranges.get(0)).matches("bytes=\\d+-");
    long from = Long.parseLong(hub.ranges.get(0).replaceAll("\\D", ""));
    assertThat(from).isPositive().isLessThanOrEqualTo(weights.length / 2);
    assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(weights);
  }

  @Test
  void corruptDownloadsAreRejectedAndNotCached() {
    hub.corrupt.set(true);
    assertThatThrownBy(() -> cache().snapshot("org/tiny"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("is corrupt")
        .hasMessageContaining(FakeHub.sha256(files.get("model.safetensors")));
    assertThat(temp.resolve("cache/models--org--tiny/blobs")
        .resolve(FakeHub.sha256(files.get("model.safetensors")))).doesNotExist();
  }

  @Test
  void missingRepositoriesAndFilesAreNamed() {
    assertThatThrownBy(() -> cache().snapshot("org/missing"))
        .hasMessageContaining("HTTP 404, no such repository org/missing");
    hub.repo("org/config-only", Map.of("config.json", files.get("config.json")));
    assertThatThrownBy(() -> cache().snapshot("org/config-only"))
        .hasMessageContaining("has no model.safetensors or model.safetensors.index.json");
    assertThatThrownBy(() -> cache().snapshot("not a repo"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected \"org/name\"");
  }

  @Test
  void gatedModelsNeedHfTokenSentAsABearerToken() {
    hub.gatedRepo = "org/tiny";
    assertThatThrownBy(() -> cache().snapshot("org/tiny"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("gated or private")
        .hasMessageContaining("set HF_TOKEN");
    assertThatThrownBy(() -> cache("HF_TOKEN", "hf_wrong").snapshot("org/tiny"))
        .hasMessageContaining("the token in HF_TOKEN has no access");
    hub.authorizations.clear();
    assertThat(cache("HF_TOKEN", FakeHub.TOKEN).snapshot("org/tiny")).isDirectory();
    assertThat(hub.authorizations).isNotEmpty().allMatch(a -> a.equals("Bearer " + FakeHub.TOKEN));
  }

  @Test
  void theEnvironmentIsReadAsHuggingfaceHubReadsIt() throws IOException {
    assertThat(HubEnvironment.of(Map.of("HF_HOME", "/h")).cacheDir()).isEqualTo(Path.of("/h/hub"));
    assertThat(HubEnvironment.of(Map.of("HF_HOME", "/h", "HF_HUB_CACHE", "/c")).cacheDir())
        .isEqualTo(Path.of("/c"));
    assertThat(HubEnvironment.of(Map.of("XDG_CACHE_HOME", "/x")).cacheDir())
        .isEqualTo(Path.of("/x/huggingface/hub"));
    assertThat(HubEnvironment.of(n -> null, n -> n.equals("user.home") ? "/u" : null)
        .cacheDir()).isEqualTo(Path.of("/u/.cache/huggingface/hub"));
    assertThat(HubEnvironment.of(Map.of()).endpoint().toString()).isEqualTo("https://huggingface.co");
    assertThat(HubEnvironment.of(Map.of("HF_HUB_OFFLINE", "0")).offline()).isFalse();
    Path home = Files.createDirectories(temp.resolve("login"));
    Files.writeString(home.resolve("token"), "hf_from_file\n");
    assertThat(HubEnvironment.of(Map.of("HF_HOME", home.toString())).token()).contains("hf_from_file");
    assertThat(HubEnvironment.of(Map.of("HF_HOME", home.toString(), "HF_TOKEN", "hf_env")).token())
        .contains("hf_env");
  }
}
