package dev.finetune.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pad id comes from the tokenizer file; a missing tokenizer is a clear error. */
class TokenizersTest {

  @TempDir Path temp;

  @Test
  void padIdFromPaddingSectionElseFromPadToken() throws IOException {
    Path bert = Files.writeString(temp.resolve("bert.json"), "{\"padding\":{\"pad_id\":3}}");
    assertThat(Tokenizers.padId(bert)).isEqualTo(3);
    Path roberta =
        Files.writeString(
            temp.resolve("roberta.json"),
            "{\"padding\":null,\"added_tokens\":[{\"id\":0,\"content\":\"<s>\"},"
                + "{\"id\":1,\"content\":\"<pad>\"}],\"model\":{\"vocab\":{}}}");
    assertThat(Tokenizers.padId(roberta)).isEqualTo(1);
    Path vocabOnly =
        Files.writeString(
            temp.resolve("v.json"), "{\"padding\":null,\"model\":{\"vocab\":{\"[PAD]\":7}}}");
    assertThat(Tokenizers.padId(vocabOnly)).isEqualTo(7);
  }

  @Test
  void missingTokenizerIsAClearError() {
    assertThatThrownBy(() -> Tokenizers.open(temp, 128))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(temp.resolve("tokenizer.json").toString())
        .hasMessageContaining("tokenizer not found");
  }
}
