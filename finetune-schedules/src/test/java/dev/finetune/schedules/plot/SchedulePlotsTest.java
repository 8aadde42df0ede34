package dev.finetune.schedules.plot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.schedules.Schedules;
import dev.finetune.schedules.policy.LrPolicies;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class SchedulePlotsTest {

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void scheduleChartHasOneSeriesPerScheduleWithTheScheduleValues() throws Exception {
    XYChart chart = SchedulePlots.schedules("t", 50, Map.of("lin",
        Schedules.parse("linear_with_warmup(num_warmup_steps=10)")));
    assertThat(chart.getSeriesMap().get("lin").getYData()).hasSize(50).contains(1.0, 0.5);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    SchedulePlots.writePng(chart, png);
    assertThat(png.toByteArray()).startsWith(PNG_MAGIC);
  }

  @Test
  void momentumGoesToASecondAxisOnlyWhenCycled() {
    XYChart one = SchedulePlots.withMomentum("t", 100, Schedules.parse("OneCycleLR(max_lr=0.1)"));
    assertThat(one.getSeriesMap()).containsKeys("lr", "momentum");
    assertThat(one.getSeriesMap().get("momentum").getYAxisGroup()).isEqualTo(1);
    XYChart flat = SchedulePlots.withMomentum("t", 10, Schedules.constant(0.1));
    assertThat(flat.getSeriesMap()).containsOnlyKeys("lr");
  }

  @Test
  void policyChartPlotsEachGroup() {
    XYChart chart = SchedulePlots.policies("t", 4, 1.0, Map.of("llrd", LrPolicies.layerwiseDecay(0.5)));
    assertThat(chart.getSeriesMap().get("llrd").getYData())
        .containsExactly(1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2, 1.0);
  }

  @Test
  void examplePlotsAreSmallPngs(@TempDir Path dir) throws Exception {
    List<Path> files = ExamplePlots.write(dir);
    assertThat(files).hasSize(7);
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      assertThat(bytes).startsWith(PNG_MAGIC);
      assertThat(bytes.length).as(f.toString()).isBetween(5_000, 100_000);
    }
  }
}
