package dev.finetune.core.model;

/**
 * The stream of dropout-mask seeds of one forward pass: exactly {@link
 * java.util.SplittableRandom}'s {@code nextLong()} sequence for the same start (SplitMix64 with
 * the golden gamma), with a position that can be copied, so that gradient checkpointing can run
 * a layer again from the position where it first ran and draw the same masks, while a pass
 * without checkpointing draws the sequence it always drew.
 *
 * <pre>{@code
 * DropoutSeeds seeds = DropoutSeeds.startingAt(42);
 * DropoutSeeds replay = seeds.copy();
 * seeds.next() == replay.next();   // true
 * }</pre>
 */
final class DropoutSeeds {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private long state;

  private DropoutSeeds(long state) {
    this.state = state;
  }

  /**
   * A stream that gives {@code new SplittableRandom(seed)}'s {@code nextLong()} values.
   *
   * @param seed the start
   * @return the stream
   */
  static DropoutSeeds startingAt(long seed) {
    return new DropoutSeeds(seed);
  }

  /**
   * The next seed.
   *
   * @return a 64-bit value
   */
  long next() {
    long z = state += GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /**
   * A stream at this one's position that advances on its own.
   *
   * @return the copy
   */
  DropoutSeeds copy() {
    return new DropoutSeeds(state);
  }
}
