package dev.finetune.core.data.tokens;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.finetune.core.data.DataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immutable alignment of word-level tags to sub-word tokens, through the Hugging Face tokenizer's
 * word ids ({@link Encoding#getWordIds()}) of the pre-split words.
 *
 * <p><b>Labels.</b> The first sub-word of each word carries the word's tag; the other sub-words
 * and the special tokens get {@link #IGNORE} ({@code -100}, ignored by the loss, as Hugging Face's
 * {@code run_ner}). With {@link Builder#labelAllSubwords(boolean) labelAllSubwords(true)} every
 * sub-word is labelled, continuations with the {@code I-} tag of the word's type ({@code
 * label_all_tokens} of {@code run_ner}).
 *
 * <p><b>Long inputs.</b> A window holds at most {@code maxLength} tokens with the tokenizer's
 * special tokens ({@code [CLS] ... [SEP]}), and is cut between words (a single word longer than
 * the room is cut inside). By default (no stride) an example longer than that is truncated: only
 * its first window is kept, and the words left out are counted in {@link TokenAlignment.Stats}
 * and logged, never dropped silently; their predictions read as {@code O}. With {@link
 * Builder#stride(int) stride(s)} the example is covered by sliding windows, each starting at a
 * word boundary at least {@code s} tokens before the previous one ended, so every word is
 * labelled; predictions are read back from the window where the word has the most context. The
 * whole text is tokenised whatever the tokenizer's own truncation (its overflowing parts are
 * collected).
 *
 * <pre>{@code
 * TokenAligner aligner = TokenAligner.builder(tokenizer).maxLength(128).stride(32).build();
 * TokenAlignment train = aligner.align(conll.train());
 * int[] wordTags = train.toWords(0, predictedTokenTags);   // back to one tag per word
 * }</pre>
 */
public final class TokenAligner {

  /** The label of tokens the loss ignores (PyTorch's and Hugging Face's {@code -100}). */
  public static final long IGNORE = -100L;

  private static final Logger LOG = LoggerFactory.getLogger(TokenAligner.class);

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final boolean labelAllSubwords;
  private final int stride;

  private TokenAligner(Builder b) {
    this.tokenizer = Objects.requireNonNull(b.tokenizer, "tokenizer");
    this.maxLength = b.maxLength;
    this.labelAllSubwords = b.labelAllSubwords;
    this.stride = b.stride;
  }

  /**
   * A builder; defaults: max length 128, first sub-word labelled, truncation (no stride).
   *
   * @param tokenizer the tokenizer (its own truncation and padding do not matter)
   * @return a builder
   */
  public static Builder builder(HuggingFaceTokenizer tokenizer) {
    return new Builder(tokenizer);
  }

  /**
   * The maximum number of tokens per window, special tokens included.
   *
   * @return the max length
   */
  public int maxLength() {
    return maxLength;
  }

  /**
   * Aligns every example of a data set.
   *
   * @param data sentences, or documents ({@link TokenDataset#joinDocuments()})
   * @return the windows and what truncation left out
   */
  public TokenAlignment align(TokenDataset data) {
    List<List<TokenWindow>> perExample = new ArrayList<>(data.size());
    int[] words = new int[data.size()];
    int[] tokenless = new int[data.size()];
    for (int i = 0; i < data.size(); i++) {
      Aligned aligned = alignExample(data.get(i), i, data.tags());
      perExample.add(aligned.windows());
      words[i] = data.get(i).size();
      tokenless[i] = aligned.tokenlessWords();
    }
    TokenAlignment alignment = new TokenAlignment(data.name(), perExample, words, tokenless);
    TokenAlignment.Stats stats = alignment.stats();
    if (stats.truncatedWords() > 0) {
      LOG.warn(
          "{}: {} examples longer than {} tokens were truncated, leaving out {} words; "
              + "use a stride (sliding windows) or a larger max length to keep them",
          data.name(),
          stats.truncatedExamples(),
          maxLength,
          stats.truncatedWords());
    }
    if (stats.wordsWithoutTokens() > 0) {
      LOG.warn(
          "{}: {} words have no sub-word token (the tokenizer dropped them); they read as O",
          data.name(),
          stats.wordsWithoutTokens());
    }
    return alignment;
  }

  /**
   * Aligns one example.
   *
   * @param example the words and tags
   * @param exampleIndex its index, recorded in the windows
   * @param tags the tag set (for the {@code I-} tag of continuation sub-words)
   * @return its windows, in order (one unless a stride split it)
   */
  public List<TokenWindow> align(TokenExample example, int exampleIndex, TagSet tags) {
    return alignExample(example, exampleIndex, tags).windows();
  }

  /** The windows of one example and how many of its words have no token. */
  private record Aligned(List<TokenWindow> windows, int tokenlessWords) {}

  private Aligned alignExample(TokenExample example, int exampleIndex, TagSet tags) {
    String[] words = example.words().toArray(new String[0]);
    Encoding encoding = tokenizer.encode(words, true, true);
    long[] ids = encoding.getIds();
    long[] types = encoding.getTypeIds();
    long[] wordIds = encoding.getWordIds();
    long[] mask = encoding.getAttentionMask();
    int first = 0;
    while (first < ids.length && wordIds[first] < 0) {
      first++;
    }
    int last = ids.length;
    while (last > first && (wordIds[last - 1] < 0 || mask[last - 1] == 0)) {
      last--;
    }
    long[] prefixIds = Arrays.copyOfRange(ids, 0, first);
    long[] prefixTypes = Arrays.copyOfRange(types, 0, first);
    List<Integer> suffix = new ArrayList<>();
    for (int i = last; i < ids.length; i++) {
      if (mask[i] != 0) {
        suffix.add(i);
      }
    }
    // content tokens of the main encoding and of every overflowing part (the tokenizer's own cut)
    Content content = new Content();
    content.addFrom(encoding, 0);
    for (Encoding overflow : encoding.getOverflowing()) {
      content.addFrom(overflow, tokenizer.getStride());
    }
    int room = maxLength - prefixIds.length - suffix.size();
    if (room < 1) {
      throw new DataException(
          "maxLength "
              + maxLength
              + " leaves no room for words after the tokenizer's "
              + (prefixIds.length + suffix.size())
              + " special tokens: use a larger maxLength");
    }
    if (stride >= room) {
      throw new DataException(
          "stride "
              + stride
              + " must be below the "
              + room
              + " tokens a window of maxLength "
              + maxLength
              + " has for words: use a smaller stride or a larger maxLength");
    }
    int n = content.size;
    int[] wordStart = new int[example.size()];
    Arrays.fill(wordStart, -1);
    for (int p = n - 1; p >= 0; p--) {
      wordStart[content.word[p]] = p;
    }
    List<TokenWindow> windows = new ArrayList<>();
    int start = 0;
    do {
      int end = Math.min(n, start + room);
      if (end < n && !isWordStart(content, end)) {
        int back = end;
        while (back > start && !isWordStart(content, back)) {
          back--;
        }
        if (back > start) {
          end = back; // cut between words; a single over-long word is cut inside
        }
      }
      windows.add(
          window(example, exampleIndex, windows.size(), tags, content, wordStart, start, end,
              prefixIds, prefixTypes, suffix, ids, types));
      if (end >= n || stride < 0) {
        break;
      }
      int next = Math.max(start + 1, end - stride);
      while (next > start + 1 && !isWordStart(content, next)) {
        next--;
      }
      start = next;
    } while (true);
    int tokenless = 0;
    for (int start0 : wordStart) {
      if (start0 < 0) {
        tokenless++;
      }
    }
    return new Aligned(windows, tokenless);
  }

  private static boolean isWordStart(Content content, int position) {
    return position == 0 || content.word[position] != content.word[position - 1];
  }

  private TokenWindow window(
      TokenExample example,
      int exampleIndex,
      int windowIndex,
      TagSet tags,
      Content content,
      int[] wordStart,
      int start,
      int end,
      long[] prefixIds,
      long[] prefixTypes,
      List<Integer> suffix,
      long[] ids,
      long[] types) {
    int length = prefixIds.length + (end - start) + suffix.size();
    long[] outIds = new long[length];
    long[] outTypes = new long[length];
    long[] labels = new long[length];
    int[] words = new int[length];
    boolean[] firstSubword = new boolean[length];
    Arrays.fill(labels, IGNORE);
    Arrays.fill(words, -1);
    System.arraycopy(prefixIds, 0, outIds, 0, prefixIds.length);
    System.arraycopy(prefixTypes, 0, outTypes, 0, prefixTypes.length);
    int t = prefixIds.length;
    for (int p = start; p < end; p++, t++) {
      int word = content.word[p];
      outIds[t] = content.ids[p];
      outTypes[t] = content.types[p];
      words[t] = word;
      int tag = example.tag(word);
      if (wordStart[word] == p) {
        labels[t] = tag;
        firstSubword[t] = true;
      } else if (labelAllSubwords) {
        labels[t] = tags.insideOf(tag);
      }
    }
    for (int s : suffix) {
      outIds[t] = ids[s];
      outTypes[t++] = types[s];
    }
    return new TokenWindow(exampleIndex, windowIndex, outIds, outTypes, labels, words, firstSubword);
  }

  /** The sub-word tokens of the words, in order, gathered over the tokenizer's overflow parts. */
  private static final class Content {
    long[] ids = new long[64];
    long[] types = new long[64];
    int[] word = new int[64];
    int size;

    void addFrom(Encoding encoding, int skip) {
      long[] ids = encoding.getIds();
      long[] types = encoding.getTypeIds();
      long[] words = encoding.getWordIds();
      long[] mask = encoding.getAttentionMask();
      int skipped = 0;
      for (int i = 0; i < ids.length; i++) {
        if (words[i] < 0 || mask[i] == 0) {
          continue;
        }
        if (skipped < skip) {
          skipped++;
          continue;
        }
        if (size == this.ids.length) {
          this.ids = Arrays.copyOf(this.ids, size * 2);
          this.types = Arrays.copyOf(this.types, size * 2);
          this.word = Arrays.copyOf(this.word, size * 2);
        }
        this.ids[size] = ids[i];
        this.types[size] = types[i];
        this.word[size++] = (int) words[i];
      }
    }
  }

  /** Builds a {@link TokenAligner}. */
  public static final class Builder {
    private final HuggingFaceTokenizer tokenizer;
    private int maxLength = 128;
    private boolean labelAllSubwords;
    private int stride = -1;

    private Builder(HuggingFaceTokenizer tokenizer) {
      this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /**
     * The maximum tokens per window, special tokens included (default 128).
     *
     * @param value at least 3
     * @return this
     */
    public Builder maxLength(int value) {
      if (value < 3) {
        throw new IllegalArgumentException("maxLength must be >= 3, got " + value);
      }
      this.maxLength = value;
      return this;
    }

    /**
     * Whether every sub-word is labelled (default false: only the first of each word).
     *
     * @param value true to label continuations with the word's {@code I-} tag
     * @return this
     */
    public Builder labelAllSubwords(boolean value) {
      this.labelAllSubwords = value;
      return this;
    }

    /**
     * Sliding windows over long examples, overlapping by at least {@code tokens} sub-words
     * (rounded to a word boundary); default: none, long examples are truncated and counted.
     *
     * @param tokens the overlap, at least 0 and below the room for words
     * @return this
     */
    public Builder stride(int tokens) {
      if (tokens < 0) {
        throw new IllegalArgumentException("stride must be >= 0 tokens, got " + tokens);
      }
      this.stride = tokens;
      return this;
    }

    /**
     * The aligner.
     *
     * @return an immutable aligner
     */
    public TokenAligner build() {
      if (stride >= maxLength - 2) {
        throw new IllegalArgumentException(
            "stride " + stride + " must be below maxLength - 2 (" + (maxLength - 2) + ")");
      }
      return new TokenAligner(this);
    }
  }
}
