package dev.finetune.core.data.tokens;

import dev.finetune.core.metrics.Entities;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The IOB2 tag names of a token-classification task, in a fixed order: {@code O} first, then for
 * each entity type in alphabetical order {@code B-TYPE}, {@code I-TYPE}. Tag id = index.
 *
 * <pre>{@code
 * TagSet tags = TagSet.ofTypes("PER", "LOC");   // O, B-LOC, I-LOC, B-PER, I-PER
 * int id = tags.id("B-PER");                    // 3
 * int inside = tags.insideOf(id);               // 4 (I-PER)
 * }</pre>
 */
public final class TagSet {

  /** The outside tag, always id 0. */
  public static final String OUTSIDE = "O";

  private final List<String> names;
  private final List<String> types;
  private final Map<String, Integer> ids;

  private TagSet(Collection<String> entityTypes) {
    TreeSet<String> sorted = new TreeSet<>(entityTypes);
    List<String> list = new ArrayList<>();
    list.add(OUTSIDE);
    for (String type : sorted) {
      if (!isEntityType(type)) {
        throw new IllegalArgumentException("entity type must be a non-blank name, got '" + type + "'");
      }
      list.add("B-" + type);
      list.add("I-" + type);
    }
    this.names = List.copyOf(list);
    this.types = List.copyOf(sorted);
    Map<String, Integer> map = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      map.put(names.get(i), i);
    }
    this.ids = map;
  }

  /**
   * Whether a string can name an entity type: not blank, and not {@code _}, which the entity
   * metrics use for a tag without a type.
   *
   * @param type the text after {@code B-} or {@code I-}
   * @return true when it is a usable type name
   */
  public static boolean isEntityType(String type) {
    return !type.isBlank() && !type.equals("_");
  }

  /**
   * The tag set of some entity types.
   *
   * @param entityTypes the types, such as {@code PER}; order and duplicates do not matter
   * @return the tag set
   */
  public static TagSet ofTypes(Collection<String> entityTypes) {
    return new TagSet(entityTypes);
  }

  /**
   * The tag set of some entity types.
   *
   * @param entityTypes the types
   * @return the tag set
   */
  public static TagSet ofTypes(String... entityTypes) {
    return new TagSet(List.of(entityTypes));
  }

  /**
   * The tag set that covers the types of some tags (any of {@code B- I-} prefixes; {@code O}).
   *
   * @param tags tag strings such as {@code I-PER}
   * @return the tag set of their types
   */
  public static TagSet covering(Collection<String> tags) {
    TreeSet<String> types = new TreeSet<>();
    for (String tag : tags) {
      if (!tag.equals(OUTSIDE)) {
        types.add(Entities.type(tag));
      }
    }
    return new TagSet(types);
  }

  /**
   * The tag names, id = index.
   *
   * @return {@code O, B-A, I-A, B-B, I-B, ...}
   */
  public List<String> names() {
    return names;
  }

  /**
   * The entity types, sorted.
   *
   * @return the types
   */
  public List<String> types() {
    return types;
  }

  /**
   * The number of tags, {@code 1 + 2 * types().size()}.
   *
   * @return the size
   */
  public int size() {
    return names.size();
  }

  /**
   * Whether a tag is in the set.
   *
   * @param tag an IOB2 tag
   * @return true when known
   */
  public boolean contains(String tag) {
    return ids.containsKey(tag);
  }

  /**
   * The id of a tag.
   *
   * @param tag an IOB2 tag
   * @return its id
   * @throws IllegalArgumentException naming the known tags when it is not in the set
   */
  public int id(String tag) {
    Integer id = ids.get(tag);
    if (id == null) {
      throw new IllegalArgumentException("unknown tag '" + tag + "': expected one of " + names);
    }
    return id;
  }

  /**
   * The name of a tag id.
   *
   * @param id a tag id
   * @return its name
   */
  public String name(int id) {
    return names.get(id);
  }

  /**
   * The {@code I-} tag of the same type ({@code O} stays {@code O}): what continuation sub-words
   * are labelled with when every sub-word is labelled.
   *
   * @param id a tag id
   * @return the id of the inside tag of its type
   */
  public int insideOf(int id) {
    return id == 0 || id % 2 == 0 ? id : id + 1;
  }

  /**
   * The names of some tag ids.
   *
   * @param tagIds ids
   * @return their names
   */
  public List<String> names(int[] tagIds) {
    List<String> out = new ArrayList<>(tagIds.length);
    for (int id : tagIds) {
      out.add(names.get(id));
    }
    return out;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TagSet set && set.names.equals(names);
  }

  @Override
  public int hashCode() {
    return Objects.hash(names);
  }

  @Override
  public String toString() {
    return names.toString();
  }
}
