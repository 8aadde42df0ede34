package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The mask-seed stream of a pass is SplittableRandom's sequence (so passes without gradient
 * checkpointing draw the masks they always drew, and recorded runs reproduce), and a copied
 * position replays it.
 */
class DropoutSeedsTest {

  @Test
  void theStreamIsSplittableRandomsSequence() {
    for (long seed : new long[] {0L, 42L, -7L, Long.MIN_VALUE, 0x9e3779b97f4a7c15L}) {
      SplittableRandom reference = new SplittableRandom(seed);
      DropoutSeeds seeds = DropoutSeeds.startingAt(seed);
      for (int i = 0; i < 1000; i++) {
        assertThat(seeds.next()).as("seed %d, draw %d", seed, i).isEqualTo(reference.nextLong());
      }
    }
  }

  @Test
  void aCopiedPositionReplaysWithoutMovingTheOriginal() {
    DropoutSeeds seeds = DropoutSeeds.startingAt(5);
    seeds.next();
    DropoutSeeds replay = seeds.copy();
    long a = seeds.next();
    long b = seeds.next();
    assertThat(replay.next()).isEqualTo(a);
    assertThat(replay.next()).isEqualTo(b);
    assertThat(seeds.next()).isNotEqualTo(b);
  }
}
