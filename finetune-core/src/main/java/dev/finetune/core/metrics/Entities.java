package dev.finetune.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Entity chunks of a tag sequence, decoded exactly as {@code seqeval}'s default mode, which follows
 * the CoNLL-2000 {@code conlleval} script.
 *
 * <p>Tags are {@code O} or a prefix {@code B I E S} followed by {@code -TYPE} (a bare {@code B},
 * {@code I}, ... has the type {@code _}). The rules are those of {@code get_entities}, {@code
 * end_of_chunk} and {@code start_of_chunk} in {@code seqeval/metrics/sequence_labeling.py}
 * (github.com/chakki-works/seqeval), read with a virtual {@code O} after the last tag:
 *
 * <ul>
 *   <li>a chunk <b>ends</b> before the current tag when the previous tag was {@code E} or {@code
 *       S}; when the previous was {@code B} or {@code I} and the current is {@code B}, {@code S} or
 *       {@code O}; or when the previous was not {@code O} and the type changes;
 *   <li>a chunk <b>starts</b> at the current tag when it is {@code B} or {@code S}; when it is
 *       {@code I} or {@code E} after {@code O}, {@code E} or {@code S}; or when it is not {@code O}
 *       and the type differs from the previous tag's.
 * </ul>
 *
 * <p>So IOB1 and IOB2 decode alike: an {@code I-PER} after {@code O} starts an entity, {@code
 * B-PER B-PER} is two entities, {@code I-PER I-LOC} is two, and an entity running to the last tag
 * is closed there.
 *
 * <pre>{@code
 * List<Entities.Entity> found = Entities.of(List.of("B-PER", "I-PER", "O", "I-LOC"));
 * // [PER 0..2, LOC 3..4]   (end exclusive)
 * }</pre>
 */
public final class Entities {

  private Entities() {}

  /**
   * One entity: its type and the range of tag positions it covers.
   *
   * @param type the entity type ({@code PER}); {@code _} for a bare tag
   * @param start the first position (0-based)
   * @param end one past the last position
   */
  public record Entity(String type, int start, int end) {

    /** Checks the fields. */
    public Entity {
      Objects.requireNonNull(type, "type");
      if (start < 0 || end <= start) {
        throw new IllegalArgumentException("bad entity range [" + start + ", " + end + ")");
      }
    }

    @Override
    public String toString() {
      return type + " " + start + ".." + end;
    }
  }

  /**
   * The entities of one sentence.
   *
   * @param tags the tags
   * @return the entities in order of their start
   * @throws IllegalArgumentException naming the position of a tag that is not {@code O} and has no
   *     {@code B- I- E- S-} prefix
   */
  public static List<Entity> of(List<String> tags) {
    List<Entity> chunks = new ArrayList<>();
    char prevTag = 'O';
    String prevType = "";
    int begin = 0;
    for (int i = 0; i <= tags.size(); i++) {
      String chunk = i < tags.size() ? tags.get(i) : "O";
      char tag = prefix(chunk, i);
      String type = type(chunk);
      if (endOfChunk(prevTag, tag, prevType, type)) {
        chunks.add(new Entity(prevType, begin, i));
      }
      if (startOfChunk(prevTag, tag, prevType, type)) {
        begin = i;
      }
      prevTag = tag;
      prevType = type;
    }
    return chunks;
  }

  /**
   * The prefix of a tag: {@code O}, {@code B}, {@code I}, {@code E} or {@code S}.
   *
   * @param tag a tag such as {@code B-PER} or {@code O}
   * @return its prefix letter
   * @throws IllegalArgumentException when the tag is malformed
   */
  public static char prefix(String tag) {
    return prefix(tag, -1);
  }

  /**
   * The type of a tag, {@code _} for {@code O} and bare prefixes.
   *
   * @param tag a tag such as {@code B-PER}
   * @return {@code PER}
   */
  public static String type(String tag) {
    int dash = tag.indexOf('-');
    String type = dash < 0 ? "" : tag.substring(dash + 1);
    return type.isEmpty() ? "_" : type;
  }

  private static char prefix(String chunk, int position) {
    if (chunk.equals("O") || chunk.equals("B") || chunk.equals("I") || chunk.equals("E")
        || chunk.equals("S")) {
      return chunk.charAt(0);
    }
    if (chunk.length() >= 2 && chunk.charAt(1) == '-' && "BIES".indexOf(chunk.charAt(0)) >= 0) {
      return chunk.charAt(0);
    }
    throw new IllegalArgumentException(
        "invalid tag '"
            + chunk
            + "'"
            + (position >= 0 ? " at position " + position : "")
            + ": expected O or B-/I-/E-/S- followed by a type, as B-PER");
  }

  private static boolean endOfChunk(char prevTag, char tag, String prevType, String type) {
    if (prevTag == 'E' || prevTag == 'S') {
      return true;
    }
    if ((prevTag == 'B' || prevTag == 'I') && (tag == 'B' || tag == 'S' || tag == 'O')) {
      return true;
    }
    return prevTag != 'O' && !prevType.equals(type);
  }

  private static boolean startOfChunk(char prevTag, char tag, String prevType, String type) {
    if (tag == 'B' || tag == 'S') {
      return true;
    }
    if ((tag == 'E' || tag == 'I') && (prevTag == 'E' || prevTag == 'S' || prevTag == 'O')) {
      return true;
    }
    return tag != 'O' && !prevType.equals(type);
  }
}
