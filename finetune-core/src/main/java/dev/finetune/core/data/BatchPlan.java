package dev.finetune.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/** The order of one epoch: which dataset indices go into which batch. Deterministic. */
final class BatchPlan {

  private BatchPlan() {}

  static List<int[]> of(
      TextDataset dataset,
      int batchSize,
      boolean shuffle,
      long seed,
      int epoch,
      boolean dropLast,
      int bucketWindowBatches) {
    return of(
        dataset.size(),
        i -> dataset.get(i).charLength(),
        batchSize,
        shuffle,
        seed,
        epoch,
        dropLast,
        bucketWindowBatches);
  }

  /** The plan over {@code n} items whose bucketing length is {@code length.applyAsInt(i)}. */
  static List<int[]> of(
      int n,
      IntUnaryOperator length,
      int batchSize,
      boolean shuffle,
      long seed,
      int epoch,
      boolean dropLast,
      int bucketWindowBatches) {
    Random random = new Random(mix(seed, epoch));
    int[] order;
    if (shuffle) {
      order = TextDataset.permutation(n, random);
    } else {
      order = new int[n];
      Arrays.setAll(order, i -> i);
    }
    boolean bucketing = bucketWindowBatches > 1;
    if (bucketing) {
      int window = bucketWindowBatches * batchSize;
      for (int start = 0; start < n; start += window) {
        int end = Math.min(n, start + window);
        Integer[] chunk = new Integer[end - start];
        for (int i = start; i < end; i++) {
          chunk[i - start] = order[i];
        }
        // stable sort by length, longest first: the only partial batch holds the shortest texts
        Arrays.sort(
            chunk,
            Comparator.comparingInt((Integer i) -> length.applyAsInt(i)).reversed());
        for (int i = start; i < end; i++) {
          order[i] = chunk[i - start];
        }
      }
    }
    List<int[]> batches = new ArrayList<>((n + batchSize - 1) / batchSize);
    for (int start = 0; start < n; start += batchSize) {
      int end = Math.min(n, start + batchSize);
      if (dropLast && end - start < batchSize) {
        break;
      }
      batches.add(Arrays.copyOfRange(order, start, end));
    }
    if (bucketing && shuffle) {
      for (int i = batches.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int[] tmp = batches.get(i);
        batches.set(i, batches.get(j));
        batches.set(j, tmp);
      }
    }
    return batches;
  }

  static int count(int size, int batchSize, boolean dropLast) {
    return dropLast ? size / batchSize : (size + batchSize - 1) / batchSize;
  }

  /** SplitMix64 finaliser over (seed, epoch): nearby seeds and epochs give unrelated orders. */
  static long mix(long seed, int epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
