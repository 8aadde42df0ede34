// Compares a finished (or partial) scheme search with study A's grid on one data set: the best
// validation accuracy of each, the training steps each used, and a PNG of best-so-far accuracy
// against cumulative training steps (accuracy: the rung's "metrics" when the search ranked by
// another metric, e.g. MCC). A single-file program (no project code needed beyond XChart):
//   java -cp "$CP" Compare.java ../study-a-cpu/results.csv sst2 /work/runs/search2/study-sst2 sst2
// Grid: results.csv rows of that data set in file order (the grid's cell order, epoch by epoch);
// a cell's steps count once it has run (cumulative = the finished cells' steps + this cell's).
// Search: every trials/<id>/rung-<k>.json in the order they were written (file times); a
// promoted trial continues, so a result adds only its steps beyond the trial's previous rung.
import java.nio.file.*;
import java.util.*;
import org.knowm.xchart.*;
import org.knowm.xchart.style.markers.SeriesMarkers;

public class Compare {
  public static void main(String[] a) throws Exception {
    Path csv = Path.of(a[0]);
    String data = a[1];
    Path search = Path.of(a[2]);
    String out = a[3];
    List<String> lines = Files.readAllLines(csv);
    List<String> head = Arrays.asList(lines.get(0).split(","));
    int cCell = head.indexOf("cell"), cData = head.indexOf("data"), cSteps = head.indexOf("steps"),
        cAcc = head.indexOf("val_accuracy"), cEpoch = head.indexOf("epoch");
    List<double[]> grid = new ArrayList<>();
    long done = 0, cellSteps = 0, gridTotal = 0;
    String cell = null, bestRow = null;
    double best = -1;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      if (!f[cData].equals(data)) continue;
      if (!f[cCell].equals(cell)) { done += cellSteps; cell = f[cCell]; }
      cellSteps = Long.parseLong(f[cSteps]);
      double acc = Double.parseDouble(f[cAcc]);
      if (acc > best) { best = acc; bestRow = f[cCell] + " epoch " + f[cEpoch] + " (" + cellSteps + " steps)"; }
      grid.add(new double[] {done + cellSteps, best});
    }
    gridTotal = done + cellSteps;
    double gridBest = best;

    List<Path> files = new ArrayList<>();
    try (var s = Files.walk(search.resolve("trials"))) {
      s.filter(p -> p.getFileName().toString().matches("rung-\\d+\\.json")).forEach(files::add);
    }
    files.sort(Comparator.comparing(p -> { try { return Files.getLastModifiedTime(p); } catch (Exception e) { throw new RuntimeException(e); } }));
    Map<String, Long> trialSteps = new HashMap<>();
    List<double[]> curve = new ArrayList<>();
    long total = 0, stepsAtGridBest = -1;
    best = -1;
    String bestTrial = null;
    for (Path p : files) {
      String json = Files.readString(p);
      long steps = (long) num(json, "steps");
      // accuracy is the comparison; a search ranked by another metric records it among "metrics"
      double acc = json.contains("\"accuracy\"") ? num(json, "accuracy") : num(json, "metric");
      String trial = p.getParent().getFileName().toString();
      total += steps - trialSteps.getOrDefault(trial, 0L);
      trialSteps.put(trial, steps);
      if (acc > best) { best = acc; bestTrial = trial + " " + p.getFileName() + " (" + steps + " steps)"; }
      if (best >= gridBest && stepsAtGridBest < 0) stepsAtGridBest = total;
      curve.add(new double[] {total, best});
    }
    System.out.printf(Locale.ROOT, "%s: grid best %.3f at %s; grid total %d steps (%d rows)%n", data, gridBest, bestRow, gridTotal, grid.size());
    System.out.printf(Locale.ROOT, "%s: search best %.3f at %s; search total %d steps (%.1f%% of the grid's) over %d rung results%n",
        data, best, bestTrial, total, 100.0 * total / gridTotal, files.size());
    System.out.printf(Locale.ROOT, "%s: search first reached >= %.3f after %s cumulative steps%n", data, gridBest,
        stepsAtGridBest < 0 ? "never" : String.valueOf(stepsAtGridBest));

    XYChart chart = new XYChartBuilder().width(900).height(520)
        .title(data + ": best-so-far validation accuracy against training steps")
        .xAxisTitle("cumulative optimizer steps").yAxisTitle("best validation accuracy so far").build();
    add(chart, "grid (" + gridTotal + " steps)", grid);
    add(chart, "search (" + total + " steps)", curve);
    XYSeries third = chart.addSeries("1/3 of the grid's steps", new double[] {gridTotal / 3.0, gridTotal / 3.0},
        new double[] {Math.min(curve.get(0)[1], grid.get(0)[1]), Math.max(gridBest, best)});
    third.setMarker(SeriesMarkers.NONE);
    BitmapEncoder.saveBitmap(chart, out + "_best_so_far", BitmapEncoder.BitmapFormat.PNG);
  }

  static void add(XYChart chart, String name, List<double[]> pts) {
    XYSeries s = chart.addSeries(name, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
    s.setMarker(SeriesMarkers.CIRCLE);
  }

  static double num(String json, String key) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\"\\s*:\\s*([-0-9.eE]+|NaN)").matcher(json);
    if (!m.find()) throw new IllegalArgumentException(key + " missing in " + json);
    return Double.parseDouble(m.group(1));
  }
}
