package dev.finetune.core.data;

import java.util.Locale;

/**
 * How {@link Batches} cut an example that is longer than the maximum length, exactly as the Hugging
 * Face {@code tokenizers} library defines its truncation strategies. The budget for text tokens is
 * {@code maxLength} minus the special tokens the tokenizer's post-processor adds ({@code [CLS] A
 * [SEP] B [SEP]}: 3; RoBERTa's {@code <s> A </s></s> B </s>}: 4); special tokens are never cut, and
 * tokens are always cut from the end of a text.
 *
 * <p>For a pair of texts with {@code n1} and {@code n2} tokens and a budget {@code L < n1 + n2}:
 *
 * <ul>
 *   <li>{@link #LONGEST_FIRST} (the default): with {@code s} the shorter length, if {@code 2s <= L}
 *       the shorter text is kept whole and the longer one gets {@code L - s}; otherwise both are
 *       cut to half the budget, the longer text (the second on a tie) getting the odd token. This
 *       is the fast (Rust) tokenizers' rule, not the slow Python tokenizers' token-by-token one.
 *       Examples, budget 7: 10 and 2 tokens keep 5 and 2; 10 and 10 keep 3 and 4; 4 and 6 keep 3
 *       and 4; 6 and 4 keep 4 and 3.
 *   <li>{@link #ONLY_FIRST}: only the first text is cut, by {@code n1 + n2 - L}; an error when
 *       that would leave it no token.
 *   <li>{@link #ONLY_SECOND}: only the second text is cut, likewise; an error when it would leave
 *       it no token, or when an example that must be cut has no second text.
 * </ul>
 *
 * A single text is cut to {@code L} by {@link #LONGEST_FIRST} and {@link #ONLY_FIRST}. Examples
 * short enough are never touched, whatever the strategy; a budget of 0 (a max length that holds
 * only the special tokens) leaves no text token, whatever the strategy.
 *
 * <pre>{@code
 * Batches pairs = Batches.builder(tokenizer)
 *     .maxLength(128).truncation(Truncation.ONLY_SECOND)   // keep the question, cut the passage
 *     .build();
 * int[] kept = Truncation.LONGEST_FIRST.keep(10, 10, 7);   // {3, 4}
 * }</pre>
 */
public enum Truncation {
  /** Cut the longer text first, as HF {@code longest_first}. */
  LONGEST_FIRST,
  /** Cut only the first text, as HF {@code only_first}. */
  ONLY_FIRST,
  /** Cut only the second text, as HF {@code only_second}. */
  ONLY_SECOND;

  /**
   * The strategy named as Hugging Face names it ({@code longest_first}, {@code only_first},
   * {@code only_second}; case-insensitive).
   *
   * @param name the name
   * @return the strategy
   * @throws IllegalArgumentException naming the valid values when the name is unknown
   */
  public static Truncation fromHfName(String name) {
    for (Truncation value : values()) {
      if (value.hfName().equalsIgnoreCase(name.strip())) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "unknown truncation strategy '" + name + "': expected longest_first, only_first or only_second");
  }

  /**
   * The Hugging Face name of this strategy.
   *
   * @return {@code longest_first}, {@code only_first} or {@code only_second}
   */
  public String hfName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @return the Hugging Face name, as reports and settings show it */
  @Override
  public String toString() {
    return hfName();
  }

  /**
   * How many tokens of each text to keep.
   *
   * @param first the token count of the first text
   * @param second the token count of the second text, or -1 when there is no second text
   * @param budget the number of text tokens allowed (the max length less the special tokens)
   * @return {@code {kept first, kept second}} ({@code kept second} is 0 without a second text)
   * @throws IllegalArgumentException when this strategy cannot fit the texts (see the class doc)
   */
  public int[] keep(int first, int second, int budget) {
    if (first < 0 || second < -1 || budget < 0) {
      throw new IllegalArgumentException(
          "token counts and budget must be >= 0, got " + first + ", " + second + ", " + budget);
    }
    boolean pair = second >= 0;
    if (budget == 0) {
      return new int[] {0, 0}; // as in the tokenizers library: nothing fits, whatever the strategy
    }
    int total = first + Math.max(second, 0);
    if (total <= budget) {
      return new int[] {first, Math.max(second, 0)};
    }
    int toRemove = total - budget;
    switch (this) {
      case LONGEST_FIRST -> {
        if (!pair) {
          return new int[] {budget, 0};
        }
        // The tokenizers library's rule (tokenizer/utils/truncation.rs), n1 being the shorter.
        boolean swap = first > second;
        int n1 = swap ? second : first;
        int n2;
        if (n1 > budget) {
          n2 = n1;
        } else {
          n2 = Math.max(n1, budget - n1);
        }
        if (n1 + n2 > budget) {
          n1 = budget / 2;
          n2 = n1 + budget % 2;
        }
        return swap ? new int[] {n2, n1} : new int[] {n1, n2};
      }
      case ONLY_FIRST -> {
        if (first <= toRemove) {
          throw new IllegalArgumentException(
              tooShort("first", first, toRemove, budget, pair ? second : 0));
        }
        return new int[] {first - toRemove, Math.max(second, 0)};
      }
      case ONLY_SECOND -> {
        if (!pair) {
          throw new IllegalArgumentException(
              "only_second truncation needs a second text, but this example has a single text of "
                  + first
                  + " tokens over the budget of "
                  + budget
                  + ": use longest_first or only_first for single texts");
        }
        if (second <= toRemove) {
          throw new IllegalArgumentException(tooShort("second", second, toRemove, budget, first));
        }
        return new int[] {first, second - toRemove};
      }
      default -> throw new IllegalStateException(name());
    }
  }

  private String tooShort(String which, int length, int toRemove, int budget, int other) {
    return hfName()
        + " truncation must cut "
        + toRemove
        + " tokens from the "
        + which
        + " text, which has only "
        + length
        + " (the other text has "
        + other
        + ", the budget for text tokens is "
        + budget
        + "): raise maxLength or use longest_first";
  }
}
