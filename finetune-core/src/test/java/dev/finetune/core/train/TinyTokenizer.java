package dev.finetune.core.train;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@link TinySetup#tokenizer} opened once per test class and closed after it, in a temporary
 * folder of its own.
 *
 * <pre>{@code
 * static final TinyTokenizer TOKENIZER = new TinyTokenizer();   // annotated RegisterExtension
 * FineTune.of(model).tokenizer(TOKENIZER.get())...
 * }</pre>
 */
final class TinyTokenizer implements BeforeAllCallback, AfterAllCallback {

  private Path dir;
  private HuggingFaceTokenizer tokenizer;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("tiny-tokenizer");
    tokenizer = TinySetup.tokenizer(dir.resolve("tok"));
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    tokenizer.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** @return the tokenizer, open between the class's first and last test */
  HuggingFaceTokenizer get() {
    return tokenizer;
  }
}
