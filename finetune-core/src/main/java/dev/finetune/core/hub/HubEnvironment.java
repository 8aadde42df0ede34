package dev.finetune.core.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the Hugging Face Hub and its cache are, read as {@code huggingface_hub} reads them:
 * {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else {@code XDG_CACHE_HOME/huggingface/hub},
 * else {@code ~/.cache/huggingface/hub}; {@code HF_ENDPOINT} (default
 * {@value #DEFAULT_ENDPOINT}); {@code HF_TOKEN}, else the token file {@code HF_HOME/token} that
 * {@code huggingface-cli login} writes; offline when {@code HF_HUB_OFFLINE} is 1/true/yes/on or
 * DJL's {@code ai.djl.offline} system property is true. The lookups are functions, so tests give
 * their own instead of changing the process environment.
 *
 * <pre>{@code
 * HubEnvironment env = HubEnvironment.system();
 * HubEnvironment test = HubEnvironment.of(Map.of("HF_HUB_CACHE", "/tmp/cache", "HF_HUB_OFFLINE", "1"));
 * test.offline();   // true
 * }</pre>
 */
public final class HubEnvironment {

  /** The public Hub. */
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

  /** DJL's offline switch, a system property. */
  public static final String DJL_OFFLINE = "ai.djl.offline";

  private final Function<String, String> env;
  private final Function<String, String> properties;

  private HubEnvironment(Function<String, String> env, Function<String, String> properties) {
    this.env = Objects.requireNonNull(env, "env");
    this.properties = Objects.requireNonNull(properties, "properties");
  }

  /**
   * The process environment and system properties.
   *
   * @return the environment
   */
  public static HubEnvironment system() {
    return new HubEnvironment(System::getenv, System::getProperty);
  }

  /**
   * Given environment variables and system properties (tests).
   *
   * @param env variable lookup; returns null when unset
   * @param properties system-property lookup; returns null when unset
   * @return the environment
   */
  public static HubEnvironment of(Function<String, String> env, Function<String, String> properties) {
    return new HubEnvironment(env, properties);
  }

  /**
   * Given environment variables, no system properties (tests).
   *
   * @param variables the variables
   * @return the environment
   */
  public static HubEnvironment of(Map<String, String> variables) {
    Map<String, String> copy = Map.copyOf(variables);
    return new HubEnvironment(copy::get, name -> null);
  }

  private Optional<String> variable(String name) {
    String value = env.apply(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private Path home() {
    return variable("HF_HOME").map(Path::of).orElseGet(() -> variable("XDG_CACHE_HOME")
        .map(x -> Path.of(x, "huggingface"))
        .orElseGet(() -> Path.of(Objects.requireNonNullElse(properties.apply("user.home"),
            System.getProperty("user.home")), ".cache", "huggingface")));
  }

  /**
   * The cache folder ({@code models--org--name} folders live in it).
   *
   * @return {@code HF_HUB_CACHE}, or {@code HF_HOME/hub}, or the default
   */
  public Path cacheDir() {
    return variable("HF_HUB_CACHE").map(Path::of).orElseGet(() -> home().resolve("hub"));
  }

  /**
   * The Hub's address.
   *
   * @return {@code HF_ENDPOINT} without a trailing slash, or {@value #DEFAULT_ENDPOINT}
   */
  public URI endpoint() {
    String value = variable("HF_ENDPOINT").orElse(DEFAULT_ENDPOINT);
    while (value.endsWith("/")) {
      value = value.substring(0, value.length() - 1);
    }
    return URI.create(value);
  }

  /**
   * The access token for gated and private models.
   *
   * @return {@code HF_TOKEN}, or the contents of {@code HF_HOME/token}, if any
   */
  public Optional<String> token() {
    Optional<String> token = variable("HF_TOKEN");
    if (token.isPresent()) {
      return token;
    }
    Path file = home().resolve("token");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Hugging Face token file " + file, e);
    }
  }

  /**
   * Tells whether downloads are off.
   *
   * @return true when {@code HF_HUB_OFFLINE} is set to 1/true/yes/on or {@code ai.djl.offline}
   *     is true
   */
  public boolean offline() {
    boolean hf = variable("HF_HUB_OFFLINE")
        .map(v -> v.toLowerCase(Locale.ROOT))
        .map(v -> v.equals("1") || v.equals("true") || v.equals("yes") || v.equals("on"))
        .orElse(false);
    return hf || Boolean.parseBoolean(properties.apply(DJL_OFFLINE));
  }

  /**
   * Which switch made this environment offline, for messages.
   *
   * @return e.g. {@code HF_HUB_OFFLINE=1}
   */
  String offlineReason() {
    return variable("HF_HUB_OFFLINE").map(v -> "HF_HUB_OFFLINE=" + v)
        .filter(v -> !Boolean.parseBoolean(properties.apply(DJL_OFFLINE)))
        .orElse("-D" + DJL_OFFLINE + "=true");
  }
}
