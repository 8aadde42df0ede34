package dev.finetune.experiments.grid;

import dev.finetune.core.report.EpochRecord;
import dev.finetune.core.report.EvaluationRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The repeats (seeds) of one configuration and their aggregates, each a {@link Stat} (mean ± std
 * over the repeats).
 *
 * <pre>{@code
 * for (ConfigurationSummary c : results.configurations()) {
 *   System.out.println(c.configuration() + " " + c.finalMetric("accuracy").format(3));
 * }
 * }</pre>
 *
 * @param configuration the configuration id
 * @param axes axis name to variant name
 * @param repeats the finished cells of this configuration, in seed order
 */
public record ConfigurationSummary(String configuration, Map<String, String> axes,
    List<CellResult> repeats) {

  /** Copies the collections. */
  public ConfigurationSummary {
    axes = Collections.unmodifiableMap(new LinkedHashMap<>(axes));
    repeats = List.copyOf(repeats);
  }

  /**
   * A validation metric after the last epoch.
   *
   * @param metric e.g. {@code accuracy}, {@code mcc}, {@code f1}
   * @return mean ± std over the repeats
   */
  public Stat finalMetric(String metric) {
    return over(r -> r.finalMetric(metric));
  }

  /**
   * The best value of a validation metric over the epochs.
   *
   * @param metric e.g. {@code accuracy}
   * @return mean ± std over the repeats
   */
  public Stat bestMetric(String metric) {
    return over(r -> r.bestMetric(metric));
  }

  /** @return the last epoch's validation loss, mean ± std over the repeats */
  public Stat finalValidationLoss() {
    return over(r -> last(r).validationLoss());
  }

  /** @return the mean training seconds per epoch, mean ± std over the repeats */
  public Stat secondsPerEpoch() {
    return over(r -> r.report().epochs().stream().mapToDouble(EpochRecord::seconds)
        .filter(Double::isFinite).average().orElse(Double.NaN));
  }

  /** @return the mean training tokens per second, mean ± std over the repeats */
  public Stat tokensPerSecond() {
    return over(r -> r.report().epochs().stream().mapToDouble(EpochRecord::tokensPerSecond)
        .filter(Double::isFinite).average().orElse(Double.NaN));
  }

  /** @return the peak resident set size in MiB (highest epoch), mean ± std over the repeats */
  public Stat peakRssMib() {
    return over(r -> mib(r.report().epochs().stream().mapToLong(EpochRecord::peakRssBytes).max().orElse(-1)));
  }

  /** @return the peak JVM heap in MiB (highest epoch), mean ± std over the repeats */
  public Stat peakHeapMib() {
    return over(r -> mib(r.report().epochs().stream().mapToLong(EpochRecord::peakHeapBytes).max().orElse(-1)));
  }

  /** @return trainable parameter values at the last epoch, mean over the repeats */
  public Stat trainableParameters() {
    return over(r -> last(r).trainableParameters());
  }

  /** @return all parameter values of the model, mean over the repeats */
  public Stat totalParameters() {
    return over(r -> last(r).totalParameters());
  }

  /**
   * A validation metric per epoch.
   *
   * @param metric e.g. {@code accuracy}
   * @return element {@code i}: epoch {@code i + 1}, mean ± std over the repeats that reached it
   */
  public List<Stat> metricPerEpoch(String metric) {
    int epochs = repeats.stream().mapToInt(r -> r.report().epochs().size()).max().orElse(0);
    List<Stat> out = new ArrayList<>();
    for (int i = 0; i < epochs; i++) {
      int e = i;
      out.add(Stat.of(repeats.stream()
          .filter(r -> r.report().epochs().size() > e)
          .mapToDouble(r -> r.report().epochs().get(e).validationMetrics().getOrDefault(metric, Double.NaN))
          .toArray()));
    }
    return out;
  }

  /** @return the labels of extra evaluation rows (e.g. {@code swa}), in first-seen order */
  public Set<String> extraLabels() {
    Set<String> labels = new LinkedHashSet<>();
    repeats.forEach(r -> r.report().extraRows().forEach(x -> labels.add(x.label())));
    return labels;
  }

  /**
   * A metric of the last extra evaluation row with a label (e.g. the SWA-averaged weights).
   *
   * @param label e.g. {@code swa}
   * @param metric e.g. {@code accuracy}
   * @return mean ± std over the repeats that have such a row
   */
  public Stat extraMetric(String label, String metric) {
    return over(r -> {
      double v = Double.NaN;
      for (EvaluationRecord x : r.report().extraRows()) {
        if (x.label().equals(label)) {
          v = x.validationMetrics().getOrDefault(metric, Double.NaN);
        }
      }
      return v;
    });
  }

  private Stat over(ToDoubleFunction<CellResult> value) {
    return Stat.of(repeats.stream().mapToDouble(value).toArray());
  }

  private static EpochRecord last(CellResult r) {
    EpochRecord e = r.report().lastEpoch();
    return e != null ? e : EpochRecord.builder(0).build();
  }

  private static double mib(long bytes) {
    return bytes < 0 ? Double.NaN : bytes / (1024.0 * 1024.0);
  }
}
