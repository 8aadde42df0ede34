package dev.finetune.core.data.tokens;

import dev.finetune.core.metrics.Entities;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An immutable, named list of {@link TokenExample}s (sentences) with their {@link TagSet}, and
 * what the reader skipped.
 *
 * <pre>{@code
 * TokenDataset dev = Conll2003.load(dir).validation();
 * Map<String, Integer> entities = dev.entityCounts();  // {LOC=1837, MISC=922, ORG=1341, PER=1842}
 * TokenDataset docs = dev.joinDocuments();            // one example per document, for context
 * List<int[]> perSentence = dev.splitDocuments(perDocumentTags); // back to dev's sentences
 * }</pre>
 */
public final class TokenDataset implements Iterable<TokenExample> {

  private final String name;
  private final List<TokenExample> examples;
  private final TagSet tags;
  private final List<String> skipped;

  private TokenDataset(
      String name, List<TokenExample> examples, TagSet tags, List<String> skipped) {
    this.name = Objects.requireNonNull(name, "name");
    this.examples = List.copyOf(examples);
    this.tags = Objects.requireNonNull(tags, "tags");
    this.skipped = List.copyOf(skipped);
    for (int i = 0; i < this.examples.size(); i++) {
      for (int tag : this.examples.get(i).tags()) {
        if (tag < 0 || tag >= tags.size()) {
          throw new IllegalArgumentException(
              name + " example " + i + ": tag id " + tag + " outside [0, " + tags.size() + ")");
        }
      }
    }
  }

  /**
   * A data set.
   *
   * @param name a name for logs and reports, such as {@code "conll2003/train"}
   * @param examples the sentences, tag ids within {@code tags}
   * @param tags the tag set
   * @return the data set
   */
  public static TokenDataset of(String name, List<TokenExample> examples, TagSet tags) {
    return new TokenDataset(name, examples, tags, List.of());
  }

  /**
   * A data set a reader built, with the problems of the rows it skipped.
   *
   * @param name the name
   * @param examples the sentences
   * @param tags the tag set
   * @param skipped one message per skipped sentence ({@code "file line N: why"})
   * @return the data set
   */
  public static TokenDataset of(
      String name, List<TokenExample> examples, TagSet tags, List<String> skipped) {
    return new TokenDataset(name, examples, tags, skipped);
  }

  /**
   * A seeded sample of {@code n} sentences, in their original order (documents are not kept
   * together).
   *
   * <pre>{@code
   * TokenDataset small = conll.train().sample(2000, 42);
   * }</pre>
   *
   * @param n the sentences to keep; 0 or at least {@link #size()} keeps all
   * @param seed the sampling seed
   * @return the sample, or this data set when nothing is cut
   */
  public TokenDataset sample(int n, long seed) {
    if (n <= 0 || n >= examples.size()) {
      return this;
    }
    List<Integer> order = new java.util.ArrayList<>(examples.size());
    for (int i = 0; i < examples.size(); i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, new java.util.Random(seed));
    List<Integer> kept = new java.util.ArrayList<>(order.subList(0, n));
    java.util.Collections.sort(kept);
    List<TokenExample> chosen = new java.util.ArrayList<>(n);
    kept.forEach(i -> chosen.add(examples.get(i)));
    return new TokenDataset(name + " (sample " + n + ", seed " + seed + ")", chosen, tags, skipped);
  }

  /**
   * The first {@code n} sentences (all of them when {@code n} is 0 or at least {@link #size()}),
   * as {@code TextDataset.take} for texts.
   *
   * <pre>{@code
   * TokenDataset firstDev = conll.validation().take(500);
   * }</pre>
   *
   * @param n how many, 0 = all
   * @return the first sentences, or this data set when nothing is cut
   * @throws IllegalArgumentException when {@code n} is negative
   */
  public TokenDataset take(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("take(n) needs n >= 0, got " + n);
    }
    if (n == 0 || n >= examples.size()) {
      return this;
    }
    return new TokenDataset(name + "/take" + n, examples.subList(0, n), tags, skipped);
  }

  /**
   * The name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The tag set.
   *
   * @return the tags
   */
  public TagSet tags() {
    return tags;
  }

  /**
   * The number of sentences.
   *
   * @return the size
   */
  public int size() {
    return examples.size();
  }

  /**
   * One sentence.
   *
   * @param index its index
   * @return the example
   */
  public TokenExample get(int index) {
    return examples.get(index);
  }

  /**
   * All sentences.
   *
   * @return an unmodifiable list
   */
  public List<TokenExample> examples() {
    return examples;
  }

  /**
   * The number of words over all sentences.
   *
   * @return the word count
   */
  public long wordCount() {
    long words = 0;
    for (TokenExample example : examples) {
      words += example.size();
    }
    return words;
  }

  /**
   * What the reader skipped in skip mode, one message per skipped sentence naming file and line.
   *
   * @return the messages (empty when nothing was skipped)
   */
  public List<String> skipped() {
    return skipped;
  }

  /**
   * How often each tag occurs.
   *
   * @return counts, index = tag id
   */
  public int[] tagCounts() {
    int[] counts = new int[tags.size()];
    for (TokenExample example : examples) {
      for (int tag : example.tags()) {
        counts[tag]++;
      }
    }
    return counts;
  }

  /**
   * The number of entities of each type.
   *
   * @return counts by type, sorted by type
   */
  public Map<String, Integer> entityCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (String type : tags.types()) {
      counts.put(type, 0);
    }
    for (TokenExample example : examples) {
      for (Entities.Entity entity : Entities.of(tags.names(example.tags()))) {
        counts.merge(entity.type(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /**
   * The tags of every sentence as strings, for {@code EntityMetrics}.
   *
   * @return one list of tag names per sentence
   */
  public List<List<String>> tagNames() {
    List<List<String>> out = new ArrayList<>(examples.size());
    for (TokenExample example : examples) {
      out.add(tags.names(example.tags()));
    }
    return out;
  }

  /**
   * One example per document: the words and tags of its consecutive sentences joined, for
   * document-level context (align with windows, then cut predictions back by {@link
   * #sentenceLengths}). Entities never cross a sentence boundary in the join: a sentence's first
   * tag is IOB2, so an entity there starts with {@code B-}.
   *
   * @return a data set named {@code name + "/documents"}
   */
  public TokenDataset joinDocuments() {
    List<TokenExample> joined = new ArrayList<>();
    List<String> words = new ArrayList<>();
    List<Integer> tagList = new ArrayList<>();
    int document = -1;
    for (TokenExample example : examples) {
      if (example.document() != document && !words.isEmpty()) {
        joined.add(join(words, tagList, document));
        words.clear();
        tagList.clear();
      }
      document = example.document();
      words.addAll(example.words());
      for (int tag : example.tags()) {
        tagList.add(tag);
      }
    }
    if (!words.isEmpty()) {
      joined.add(join(words, tagList, document));
    }
    return new TokenDataset(name + "/documents", joined, tags, skipped);
  }

  /**
   * The sentence lengths of each document, in order: how to cut a joined document's word tags
   * back into sentences.
   *
   * @return one array of sentence lengths per document, as {@link #joinDocuments} orders them
   */
  public List<int[]> sentenceLengths() {
    List<int[]> out = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    int document = -1;
    for (TokenExample example : examples) {
      if (example.document() != document && !current.isEmpty()) {
        out.add(current.stream().mapToInt(Integer::intValue).toArray());
        current.clear();
      }
      document = example.document();
      current.add(example.size());
    }
    if (!current.isEmpty()) {
      out.add(current.stream().mapToInt(Integer::intValue).toArray());
    }
    return out;
  }

  /**
   * Cuts per-document word values (e.g. tags predicted over {@link #joinDocuments()}) back into
   * this data set's sentences.
   *
   * @param perDocument one array per document, one value per word, in {@link #joinDocuments()}
   *     order
   * @return one array per sentence of this data set
   * @throws IllegalArgumentException when the documents or their lengths do not match
   */
  public List<int[]> splitDocuments(List<int[]> perDocument) {
    List<int[]> lengths = sentenceLengths();
    if (perDocument.size() != lengths.size()) {
      throw new IllegalArgumentException(
          name + " has " + lengths.size() + " documents but " + perDocument.size() + " were given");
    }
    List<int[]> out = new ArrayList<>(examples.size());
    for (int d = 0; d < lengths.size(); d++) {
      int[] values = perDocument.get(d);
      int total = 0;
      for (int length : lengths.get(d)) {
        total += length;
      }
      if (values.length != total) {
        throw new IllegalArgumentException(
            name + " document " + d + " has " + total + " words but " + values.length + " values");
      }
      int offset = 0;
      for (int length : lengths.get(d)) {
        out.add(Arrays.copyOfRange(values, offset, offset + length));
        offset += length;
      }
    }
    return out;
  }

  private static TokenExample join(List<String> words, List<Integer> tags, int document) {
    return TokenExample.of(words, tags.stream().mapToInt(Integer::intValue).toArray(), document);
  }

  @Override
  public Iterator<TokenExample> iterator() {
    return examples.iterator();
  }

  @Override
  public String toString() {
    return "TokenDataset[" + name + ", " + examples.size() + " sentences, tags " + tags + "]";
  }
}
