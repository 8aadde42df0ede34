package dev.finetune.core.optim;

import static dev.finetune.core.optim.FloatAgreement.severalTasksAndAPartialTile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pass visits every element once, writes back only what it should, and refuses what it cannot do. */
class CpuFloatPassTest {

  private final NDManager manager = NDManager.newBaseManager();

  @AfterEach
  void releaseArrays() {
    manager.close();
  }

  @Test
  void visitsEveryElementOnceAndWritesBackOnlyTheWrittenArrays() {
    int n = severalTasksAndAPartialTile();
    float[] a = new float[n];
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
      b[i] = 0.5f * (i % 1000);
    }
    NDArray first = manager.create(a);
    NDArray second = manager.create(b);
    assertThat(CpuFloatPass.supports(first, second)).isTrue();
    CpuFloatPass.run(new NDArray[] {first, second}, new boolean[] {true, false}, (tiles, len) -> {
      for (int i = 0; i < len; i++) {
        tiles[0][i] += tiles[1][i] + 1f; // twice over an element would add twice
        tiles[1][i] = -1f; // not written back
      }
    });
    float[] sums = first.toFloatArray();
    for (int i = 0; i < n; i++) {
      assertThat(sums[i]).as("element %d", i).isEqualTo(a[i] + b[i] + 1f);
    }
    assertThat(second.toFloatArray()).isEqualTo(b);
  }

  @Test
  void leavesOtherTypesSizesAndViewsToEagerOps() {
    NDArray doubles = manager.zeros(new Shape(4), DataType.FLOAT64);
    NDArray floats = manager.zeros(new Shape(4));
    NDArray longer = manager.zeros(new Shape(5));
    NDArray view = manager.zeros(new Shape(2, 3)).transpose();
    assertThat(CpuFloatPass.supports(floats, floats, floats, floats)).isTrue();
    assertThat(CpuFloatPass.supports(doubles, doubles)).isFalse();
    assertThat(CpuFloatPass.supports(floats, longer)).isFalse();
    assertThat(CpuFloatPass.supports(view)).isFalse();
  }

  @Test
  void refusesMoreArraysThanItHasTilesFor() {
    NDArray x = manager.zeros(new Shape(4));
    assertThatThrownBy(() -> CpuFloatPass.run(new NDArray[] {x, x, x, x, x},
        new boolean[5], (tiles, len) -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-4 arrays");
  }
}
