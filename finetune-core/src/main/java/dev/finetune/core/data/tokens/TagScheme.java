package dev.finetune.core.data.tokens;

import dev.finetune.core.metrics.Entities;
import java.util.ArrayList;
import java.util.List;

/**
 * How the tags of a file mark where entities begin. Readers convert both to IOB2 (every entity
 * starts with {@code B-}); the scheme matters for strict checking only.
 *
 * <ul>
 *   <li>{@link #IOB1} (CoNLL-2003's own): an entity starts with {@code I-}; {@code B-} only marks an
 *       entity that directly follows another of the same type. Strictly, {@code B-X} is allowed only
 *       after {@code B-X} or {@code I-X}.
 *   <li>{@link #IOB2} (BIO): every entity starts with {@code B-}. Strictly, {@code I-X} is allowed
 *       only after {@code B-X} or {@code I-X}.
 * </ul>
 *
 * <p>The conversion follows the {@code conlleval} chunk rules of {@link Entities}: an {@code I-X}
 * after {@code O} or after another type starts an entity and becomes {@code B-X}; so the entities
 * of the converted tags are exactly those of the original ones, whatever the scheme.
 *
 * <pre>{@code
 * List<String> bio = TagScheme.toIob2(List.of("I-PER", "I-PER", "B-PER", "O")); // B-PER I-PER B-PER O
 * int bad = TagScheme.IOB2.firstViolation(List.of("O", "I-LOC"));                 // 1
 * }</pre>
 */
public enum TagScheme {
  /** CoNLL-2003's scheme: entities start with {@code I-}, {@code B-} separates same-type ones. */
  IOB1,
  /** BIO: every entity starts with {@code B-}. */
  IOB2;

  /**
   * Converts tags of either scheme to IOB2.
   *
   * @param tags {@code O}, {@code B-X} or {@code I-X} tags
   * @return a new list: each {@code I-X} that starts an entity replaced by {@code B-X}
   * @throws IllegalArgumentException naming the position of a malformed tag
   */
  public static List<String> toIob2(List<String> tags) {
    List<String> out = new ArrayList<>(tags.size());
    String previous = TagSet.OUTSIDE;
    for (int i = 0; i < tags.size(); i++) {
      String tag = tags.get(i);
      requireWellFormed(tag, i);
      if (tag.startsWith("I-") && !sameEntityContinues(previous, tag)) {
        out.add("B-" + tag.substring(2));
      } else {
        out.add(tag);
      }
      previous = tag;
    }
    return out;
  }

  /**
   * The first position whose tag this scheme forbids after its predecessor.
   *
   * @param tags {@code O}, {@code B-X} or {@code I-X} tags
   * @return the 0-based position, or -1 when the sequence is valid
   */
  public int firstViolation(List<String> tags) {
    String previous = TagSet.OUTSIDE;
    for (int i = 0; i < tags.size(); i++) {
      String tag = tags.get(i);
      requireWellFormed(tag, i);
      String constrained = this == IOB1 ? "B-" : "I-";
      if (tag.startsWith(constrained) && !sameEntityContinues(previous, tag)) {
        return i;
      }
      previous = tag;
    }
    return -1;
  }

  /**
   * Why {@link #firstViolation} rejected a tag.
   *
   * @param previous the tag before, or {@code O} at the start
   * @param tag the rejected tag
   * @return a message naming the rule
   */
  public String explain(String previous, String tag) {
    String type = tag.substring(2);
    return this == IOB1
        ? "tag "
            + tag
            + " after "
            + previous
            + ": in IOB1, B-"
            + type
            + " may only follow B-"
            + type
            + " or I-"
            + type
            + " (read the file as IOB2, or leave strict mode off)"
        : "tag "
            + tag
            + " after "
            + previous
            + ": in IOB2, I-"
            + type
            + " may only follow B-"
            + type
            + " or I-"
            + type
            + " (read the file as IOB1, or leave strict mode off)";
  }

  private static boolean sameEntityContinues(String previous, String tag) {
    return !previous.equals(TagSet.OUTSIDE) && previous.substring(2).equals(tag.substring(2));
  }

  static void requireWellFormed(String tag, int position) {
    if (tag.equals(TagSet.OUTSIDE)) {
      return;
    }
    if (tag.length() < 3
        || (!tag.startsWith("B-") && !tag.startsWith("I-"))
        || !TagSet.isEntityType(tag.substring(2))) {
      throw new IllegalArgumentException(
          "malformed tag '"
              + tag
              + "' at word "
              + (position + 1)
              + ": expected O, B-TYPE or I-TYPE");
    }
  }
}
