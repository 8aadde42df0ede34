package dev.finetune.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles and medians of benchmark times. */
class LatenciesTest {

  @Test
  void percentileIsTheNearestRankOfTheSortedValues() {
    double[] v = {4, 1, 3, 2};
    assertThat(Latencies.percentile(v, 50)).isEqualTo(2.0);
    assertThat(Latencies.percentile(v, 75)).isEqualTo(3.0);
    assertThat(Latencies.percentile(v, 76)).isEqualTo(4.0);
    assertThat(Latencies.percentile(v, 100)).isEqualTo(4.0);
    assertThat(Latencies.percentile(v, 1)).isEqualTo(1.0);
    assertThat(v).containsExactly(4, 1, 3, 2); // not sorted in place
  }

  @Test
  void p99OfTheSst2DevCountIsThe864thValue() {
    double[] v = IntStream.rangeClosed(1, 872).mapToDouble(i -> 873 - i).toArray(); // 872..1
    assertThat(Latencies.percentile(v, 99)).isEqualTo(864.0);
    assertThat(Latencies.percentile(v, 50)).isEqualTo(436.0);
  }

  @Test
  void medianAveragesTheMiddlePairOfAnEvenCount() {
    assertThat(Latencies.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(Latencies.median(new double[] {5, 1, 3})).isEqualTo(3.0);
  }

  @Test
  void refusesNoValuesAndPercentilesOutsideTheRange() {
    assertThatThrownBy(() -> Latencies.percentile(new double[0], 50))
        .hasMessageContaining("no values");
    assertThatThrownBy(() -> Latencies.percentile(new double[] {1}, 0))
        .hasMessageContaining("(0, 100]");
    assertThatThrownBy(() -> Latencies.median(new double[0])).hasMessageContaining("no values");
  }
}
