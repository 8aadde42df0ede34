package dev.finetune.experiments.search;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.checkpoint.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scheme search: trials drawn from a {@link SearchSpace} (seeded: the same seed gives the same
 * trials), trained by a {@link TrialRunner} on rungs of growing step budgets (in this process, or
 * on workers through a {@link TrialExecutor}) and promoted by a {@link Scheduler} ({@link
 * Strategy}), whose decisions are always made here. Every (trial, rung) result is written to
 * {@code trials/<id>/rung-<k>.json} as it finishes; a search started again on the same folder
 * replays the results it finds (the schedulers are deterministic) and trains only what is missing,
 * so a killed search ends with the leaderboard of an uninterrupted one. With {@link
 * Builder#confirm}, the leaders then train again with fresh seeds and the best mean wins.
 *
 * <p>Rungs: budgets {@code minSteps * eta^k} below {@code maxSteps}, then {@code maxSteps} (the
 * baselines have the one rung {@code maxSteps}). Configure each trial's schedule for the largest
 * budget (epochs times steps per epoch at least {@code maxSteps}), so a trial's LR schedule does
 * not depend on where it is stopped.
 *
 * <pre>{@code
 * SchemeSearch search = SchemeSearch.builder("sst2", space, runner)
 *     .strategy(Strategy.ASHA).trials(27).eta(3).steps(10, 90).seed(7).metric("accuracy")
 *     .build();
 * SearchResults results = search.run(Path.of("runs/search/sst2"));   // rerun to resume
 * SearchReport.write(results, Path.of("runs/search/sst2"));
 * }</pre>
 */
public final class SchemeSearch {

  private static final Logger LOG = LoggerFactory.getLogger(SchemeSearch.class);
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .serializeSpecialFloatingPointValues().create();
  /** The folder (under the output folder) holding one folder per trial. */
  public static final String TRIALS_DIR = "trials";
  /** The file describing the search: strategy, rungs, trials. */
  public static final String SEARCH_FILE = "search.json";
  /** Under a trial's folder, the values a learning sampler (TPE) drew for it. */
  public static final String TRIAL_FILE = "trial.json";

  private final String name;
  private final SearchSpace space;
  private final TrialRunner runner;
  private final Strategy strategy;
  private final int trialCount;
  private final int eta;
  private final long minSteps;
  private final long maxSteps;
  private final long seed;
  private final String metric;
  private final long maxTotalSteps;
  private final Sampler sampler;
  private final SearchSpace samplingSpace;
  private final Function<Trial, JsonObject> trialConfig;
  private final List<Trial> trials;
  private final List<Long> rungSteps;
  private final int confirmTop;
  private final List<Long> confirmSeeds;

  private SchemeSearch(Builder b, int trialsToDraw) {
    name = b.name;
    space = b.space;
    runner = b.runner;
    strategy = b.strategy;
    eta = b.eta;
    minSteps = b.minSteps;
    maxSteps = b.maxSteps;
    seed = b.seed;
    metric = b.metric;
    sampler = b.sampler;
    maxTotalSteps = b.maxTotalSteps;
    samplingSpace = b.space;
    trialConfig = b.trialConfig;
    confirmTop = b.confirmTop;
    confirmSeeds = b.confirmSeeds;
    if (maxSteps < 1 || (strategy.halving() && (minSteps < 1 || minSteps > maxSteps))) {
      throw new IllegalArgumentException("the step budgets must satisfy 1 <= min_steps <= max_steps,"
          + " got min_steps " + minSteps + ", max_steps " + maxSteps);
    }
    List<Long> rungs = new ArrayList<>();
    if (strategy.halving()) {
      for (long s = minSteps; s < maxSteps; s *= eta) {
        rungs.add(s);
      }
    }
    rungs.add(maxSteps);
    rungSteps = List.copyOf(rungs);
    int toDraw = strategy == Strategy.HYPERBAND ? Hyperband.trials(rungSteps.size(), eta) : trialsToDraw;
    List<Map<String, JsonElement>> drawn = new ArrayList<>();
    if (strategy == Strategy.GRID) {
      drawn.addAll(space.grid());
      if (trialsToDraw > 0) {
        drawn = drawn.subList(0, Math.min(trialsToDraw, drawn.size()));
      }
    } else {
      if (b.firstTrials.size() > toDraw) {
        throw new IllegalArgumentException("first_trials holds " + b.firstTrials.size()
            + " trials but the search runs " + toDraw + "; raise trials or give fewer");
      }
      drawn.addAll(b.firstTrials);
      Random random = new Random(seed);
      int upFront = sampler instanceof TpeSampler tpe
          ? Math.min(toDraw, Math.max(b.firstTrials.size(), tpe.startupTrials())) : toDraw;
      for (int i = b.firstTrials.size(); i < upFront; i++) {
        drawn.add(space.sample(random));
      }
    }
    List<Trial> out = new ArrayList<>();
    for (Map<String, JsonElement> values : drawn) {
      out.add(new Trial(out.size(), values));
    }
    trials = List.copyOf(out);
    trialCount = strategy == Strategy.GRID ? trials.size() : toDraw;
  }

  /**
   * Starts a search.
   *
   * @param name its name (titles, the winner's config)
   * @param space the options and their values
   * @param runner trains a trial to a budget
   * @return the builder
   */
  public static Builder builder(String name, SearchSpace space, TrialRunner runner) {
    return new Builder(name, space, runner);
  }

  /**
   * The trials drawn before the search trains, in sampling order: all of them with random or grid
   * sampling; with TPE, the first trials and the random startup trials (the others are drawn as
   * results arrive, and {@link SearchResults#trials()} lists every trial).
   *
   * @return the trials
   */
  public List<Trial> trials() {
    return trials;
  }

  /** @return how many trials the search runs in all */
  public int trialCount() {
    return trialCount;
  }

  /** @return how the trials' values are chosen */
  public Sampler sampler() {
    return sampler;
  }

  /** @return what trains a trial in process (the search file's grid runner, or the one given) */
  public TrialRunner runner() {
    return runner;
  }

  /** @return the step budget of each rung, ascending */
  public List<Long> rungSteps() {
    return rungSteps;
  }

  /** @return the scheduler this search's strategy uses, fresh */
  Scheduler scheduler() {
    return strategy.scheduler(trialCount, rungSteps.size(), eta);
  }

  /**
   * Runs the search in this process (one trial at a time), or continues it from the results in
   * the folder.
   *
   * @param outputDir the results folder (created if needed)
   * @return every result in the order the search made them
   * @throws IOException when the folder cannot be read or written
   * @throws IllegalStateException when the folder holds another search (other trials or rungs)
   */
  public SearchResults run(Path outputDir) throws IOException {
    return run(outputDir, TrialExecutor.inProcess(runner));
  }

  /**
   * Runs the search with its jobs trained by an executor, or continues it from the results in the
   * folder. The decisions stay here: the scheduler hands out up to {@code parallelism} jobs (those
   * with a result on disk are replayed at once), the executor trains them as one batch, and the
   * results are written and reported in the batch's order. With parallelism 1 this is {@link
   * #run(Path)}; successive halving and Hyperband train the same jobs at any parallelism, ASHA's
   * promotions depend on the batches.
   *
   * @param outputDir the results folder (created if needed; on a cluster a path every worker sees)
   * @param executor where the jobs train
   * @return every result in the order the search made them
   * @throws IOException when the folder cannot be read or written
   * @throws IllegalStateException when the folder holds another search (other trials or rungs)
   */
  public SearchResults run(Path outputDir, TrialExecutor executor) throws IOException {
    Objects.requireNonNull(executor, "executor");
    int parallelism = executor.parallelism();
    if (parallelism < 1) {
      throw new IllegalArgumentException("the executor's parallelism must be at least 1, got " + parallelism);
    }
    Files.createDirectories(outputDir.resolve(TRIALS_DIR));
    writeOrCheckDescription(outputDir);
    Scheduler scheduler = scheduler();
    List<SearchResults.Event> events = new ArrayList<>();
    Map<Integer, SearchResults.Event> latest = new LinkedHashMap<>();
    List<Trial> drawn = new ArrayList<>(trials);
    int trained = 0;
    boolean atBudget = false;
    while (!atBudget) {
      List<TrialJob> batch = new ArrayList<>();
      long committed = 0;
      while (batch.size() < parallelism) {
        Optional<Job> next = scheduler.next();
        if (next.isEmpty()) {
          break;
        }
        Job job = next.get();
        SearchResults.Event before = latest.get(job.trial());
        long needs = rungSteps.get(job.rung()) - (before == null ? 0 : before.result().steps());
        long used = latest.values().stream().mapToLong(e -> e.result().steps()).sum();
        if (maxTotalSteps > 0 && used + committed + needs > maxTotalSteps) {
          LOG.info("search {}: stopped at its budget of {} steps ({} used; trial t{} to rung {} would"
              + " need {} more)", name, maxTotalSteps, used + committed, String.format(Locale.ROOT,
              "%03d", job.trial()), job.rung(), needs);
          atBudget = true;
          break;
        }
        while (drawn.size() <= job.trial()) {
          drawn.add(drawTrial(outputDir, drawn, latest));
        }
        Trial trial = drawn.get(job.trial());
        long budget = rungSteps.get(job.rung());
        Path trialDir = outputDir.resolve(TRIALS_DIR).resolve(trial.id());
        TrialResult done = read(rungFile(trialDir, job));
        if (done != null) {
          // replayed: its steps count in `used` from now on, not also as committed
          record(scheduler, drawn, events, latest, job, budget, done);
          continue;
        }
        committed += needs;
        Files.createDirectories(trialDir);
        LOG.info("search {}: trial {} ({}) to rung {} ({} steps)", name, trial.id(), trial.describe(),
            job.rung(), budget);
        batch.add(new TrialJob(job, trial, budget, trialDir));
      }
      if (batch.isEmpty()) {
        break;
      }
      List<TrialResult> results = train(executor, batch);
      for (int i = 0; i < batch.size(); i++) {
        TrialJob j = batch.get(i);
        TrialResult result = results.get(i);
        write(rungFile(j.trialDir(), j.job()), j.job(), j.steps(), result, null);
        trained++;
        record(scheduler, drawn, events, latest, j.job(), j.steps(), result);
      }
    }
    if (!atBudget && !scheduler.finished()) {
      throw new IllegalStateException("search " + name + ": the scheduler has no job but is not"
          + " finished (a bug: every job handed out was reported)");
    }
    LOG.info("search {}: {} rung results, {} trained now", name, events.size(), trained);
    List<JsonObject> configs = drawn.stream().map(trialConfig).toList();
    SearchResults searched = new SearchResults(name, strategy, sampler.spec(), metric, rungSteps, drawn,
        events, configs, maxTotalSteps, atBudget, List.of());
    if (confirmSeeds.isEmpty()) {
      return searched;
    }
    return new SearchResults(name, strategy, sampler.spec(), metric, rungSteps, drawn, events, configs,
        maxTotalSteps, atBudget, confirm(outputDir, executor, searched.leaderboard()));
  }

  /**
   * Trains the leaderboard's first {@code confirmTop} trials again from scratch to the full
   * budget, once per confirmation seed, in {@code trials/<id>/seed-<s>/}, each result written to
   * {@code trials/<id>/seed-<s>.json} (read back instead of trained when the search runs again).
   */
  private List<SearchResults.Confirmation> confirm(Path outputDir, TrialExecutor executor,
      List<SearchResults.Row> leaderboard) throws IOException {
    int lastRung = rungSteps.size() - 1;
    List<SearchResults.Confirmation> out = new ArrayList<>();
    List<TrialJob> pending = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    for (SearchResults.Row row : leaderboard.subList(0, Math.min(confirmTop, leaderboard.size()))) {
      Path trialDir = outputDir.resolve(TRIALS_DIR).resolve(row.trial().id());
      for (long s : confirmSeeds) {
        Trial trial = row.trial().withSeed(s);
        TrialResult done = read(seedFile(trialDir, s));
        out.add(new SearchResults.Confirmation(trial.index(), s, done));
        if (done == null) {
          slots.add(out.size() - 1);
          pending.add(new TrialJob(new Job(trial.index(), lastRung), trial, maxSteps,
              trialDir.resolve("seed-" + s)));
        }
      }
    }
    for (int from = 0; from < pending.size(); from += executor.parallelism()) {
      List<TrialJob> batch = pending.subList(from, Math.min(pending.size(), from + executor.parallelism()));
      for (TrialJob j : batch) {
        Files.createDirectories(j.trialDir());
        LOG.info("search {}: confirming trial {} ({}), {} steps", name, j.trial().id(),
            j.trial().describe(), maxSteps);
      }
      List<TrialResult> results = train(executor, batch);
      for (int i = 0; i < batch.size(); i++) {
        TrialJob j = batch.get(i);
        TrialResult result = results.get(i);
        long s = j.trial().seed();
        write(seedFile(j.trialDir().getParent(), s), j.job(), maxSteps, result, s);
        LOG.info("search {}: trial {} seed {}: {} = {} after {} steps", name, j.trial().id(), s, metric,
            result.metric(), result.steps());
        out.set(slots.get(from + i), new SearchResults.Confirmation(j.trial().index(), s, result));
      }
    }
    return out;
  }

  /** Hands a batch to the executor and checks that it returned one result per job. */
  private List<TrialResult> train(TrialExecutor executor, List<TrialJob> batch) {
    List<TrialResult> results = executor.run(List.copyOf(batch));
    if (results == null || results.size() != batch.size()) {
      throw new IllegalStateException("search " + name + ": the executor returned "
          + (results == null ? "null" : results.size() + " results") + " for " + batch.size() + " jobs");
    }
    results.forEach(r -> Objects.requireNonNull(r, "the executor returned a null result"));
    return results;
  }

  /**
   * Draws the next trial with a sampler that learns from results (TPE), from the results so far,
   * and writes its values to {@code trials/<id>/trial.json}; a search continued on the folder
   * reads them back from there instead of drawing again.
   */
  private Trial drawTrial(Path outputDir, List<Trial> drawn, Map<Integer, SearchResults.Event> latest)
      throws IOException {
    int index = drawn.size();
    TpeSampler tpe = (TpeSampler) sampler;
    Path trialDir = outputDir.resolve(TRIALS_DIR).resolve(new Trial(index, Map.of()).id());
    Path file = trialDir.resolve(TRIAL_FILE);
    if (Files.exists(file)) {
      JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      Map<String, JsonElement> values = new LinkedHashMap<>();
      o.getAsJsonObject("values").entrySet().forEach(e -> values.put(e.getKey(), e.getValue()));
      return new Trial(index, values);
    }
    Map<Integer, Sampler.Observation> reached = new LinkedHashMap<>();
    latest.forEach((t, e) -> reached.put(t, new Sampler.Observation(drawn.get(t).values(),
        e.job().rung(), score(e.result().metric()))));
    List<Sampler.Observation> observations = TpeSampler.bestFirst(reached);
    Trial trial = new Trial(index, tpe.draw(samplingSpace, observations,
        new Random(seed * 0x9E3779B97F4A7C15L + index)));
    JsonObject o = new JsonObject();
    o.addProperty("id", trial.id());
    o.addProperty("sampler", tpe.spec());
    o.addProperty("observations", observations.size());
    o.add("values", trial.toJson());
    Files.createDirectories(trialDir);
    AtomicFiles.write(file, GSON.toJson(o).getBytes(StandardCharsets.UTF_8));
    LOG.info("search {}: drew trial {} from {} results ({})", name, trial.id(), observations.size(),
        tpe.spec());
    return trial;
  }

  private static Path rungFile(Path trialDir, Job job) {
    return trialDir.resolve("rung-" + job.rung() + ".json");
  }

  private static Path seedFile(Path trialDir, long trainingSeed) {
    return trialDir.resolve("seed-" + trainingSeed + ".json");
  }

  /**
   * Reports a result to the scheduler and keeps it: in order in {@code events}, and as its trial's
   * latest (highest rung) in {@code latest}, from which the steps used and TPE's observations come.
   */
  private void record(Scheduler scheduler, List<Trial> drawn, List<SearchResults.Event> events,
      Map<Integer, SearchResults.Event> latest, Job job, long budget, TrialResult result) {
    LOG.info("search {}: trial {} rung {}: {} = {} after {} steps", name, drawn.get(job.trial()).id(),
        job.rung(), metric, result.metric(), result.steps());
    scheduler.report(job, score(result.metric()));
    SearchResults.Event event = new SearchResults.Event(job, budget, result);
    events.add(event);
    latest.put(job.trial(), event);
  }

  private double score(double value) {
    return SearchResults.lowerIsBetter(metric) ? -value : value;
  }

  private JsonObject description() {
    JsonObject o = new JsonObject();
    o.addProperty("name", name);
    o.addProperty("strategy", strategy.key());
    o.addProperty("seed", seed);
    o.addProperty("eta", eta);
    o.addProperty("metric", metric);
    if (maxTotalSteps > 0) {
      o.addProperty("max_total_steps", maxTotalSteps);
    }
    if (sampler != Sampler.random()) {
      o.addProperty("sampler", sampler.spec());
      o.addProperty("trials_in_all", trialCount);
    }
    o.add("rung_steps", GSON.toJsonTree(rungSteps));
    JsonArray list = new JsonArray();
    for (Trial t : trials) {
      JsonObject row = new JsonObject();
      row.addProperty("id", t.id());
      row.add("values", t.toJson());
      list.add(row);
    }
    o.add("trials", list);
    return o;
  }

  private void writeOrCheckDescription(Path outputDir) throws IOException {
    Path file = outputDir.resolve(SEARCH_FILE);
    JsonObject mine = description();
    if (Files.exists(file)) {
      JsonElement theirs = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!theirs.equals(mine)) {
        throw new IllegalStateException(file + " describes another search (other strategy, seed,"
            + " rungs or trials) than this one; continue it with its own settings, or use another"
            + " output folder");
      }
      LOG.info("search {}: continuing in {}", name, outputDir);
      return;
    }
    AtomicFiles.write(file, GSON.toJson(mine).getBytes(StandardCharsets.UTF_8));
  }

  private static TrialResult read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
      Map<String, Double> metrics = new LinkedHashMap<>();
      if (o.has("metrics")) {
        o.getAsJsonObject("metrics").entrySet()
            .forEach(e -> metrics.put(e.getKey(), e.getValue().getAsDouble()));
      }
      return new TrialResult(o.get("steps").getAsLong(), o.get("metric").getAsDouble(),
          o.get("seconds").getAsDouble(), metrics);
    } catch (RuntimeException e) {
      LOG.warn("{} is unreadable ({}); running that rung again", file, e.toString());
      return null;
    }
  }

  private static void write(Path file, Job job, long budget, TrialResult r, Long trainingSeed) {
    JsonObject o = new JsonObject();
    o.addProperty("trial", job.trial());
    o.addProperty("rung", job.rung());
    if (trainingSeed != null) {
      o.addProperty("training_seed", trainingSeed);
    }
    o.addProperty("budget_steps", budget);
    o.addProperty("steps", r.steps());
    o.addProperty("metric", r.metric());
    o.addProperty("seconds", r.seconds());
    JsonObject metrics = new JsonObject();
    r.metrics().forEach(metrics::addProperty);
    o.add("metrics", metrics);
    AtomicFiles.write(file, GSON.toJson(o).getBytes(StandardCharsets.UTF_8));
  }

  /** Builder of a {@link SchemeSearch}; see {@link SchemeSearch#builder}. */
  public static final class Builder {
    private final String name;
    private final SearchSpace space;
    private final TrialRunner runner;
    private Strategy strategy = Strategy.ASHA;
    private Integer trials;
    private int eta = 3;
    private long minSteps = 10;
    private long maxSteps = 90;
    private long seed = 42;
    private String metric = "accuracy";
    private Function<Trial, JsonObject> trialConfig = Trial::toJson;
    private List<Map<String, JsonElement>> firstTrials = List.of();
    private Sampler sampler = Sampler.random();
    private long maxTotalSteps;
    private int confirmTop;
    private List<Long> confirmSeeds = List.of();

    private Builder(String name, SearchSpace space, TrialRunner runner) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a search needs a name, e.g. \"sst2-search\"");
      }
      this.name = name;
      this.space = Objects.requireNonNull(space, "space");
      this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** @param value the strategy (default ASHA) @return this */
    public Builder strategy(Strategy value) {
      strategy = Objects.requireNonNull(value, "strategy");
      return this;
    }

    /**
     * Sets how many trials to draw (default 9); for grid sampling, the first n combinations
     * (default and 0: all); not for Hyperband, which draws what its brackets need.
     *
     * @param value the number of trials
     * @return this
     */
    public Builder trials(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("trials must be >= 0, got " + value);
      }
      trials = value;
      return this;
    }

    /** @param value the reduction factor, at least 2 (default 3) @return this */
    public Builder eta(int value) {
      if (value < 2) {
        throw new IllegalArgumentException("eta (the reduction factor) must be at least 2, got " + value);
      }
      eta = value;
      return this;
    }

    /**
     * Sets the budgets in optimizer steps: the first rung's and the full one (default 10 and 90).
     *
     * @param min the first rung's budget
     * @param max the full budget (the last rung's)
     * @return this
     */
    public Builder steps(long min, long max) {
      minSteps = min;
      maxSteps = max;
      return this;
    }

    /**
     * Caps the optimizer steps of the whole search (default: none): it ends when the next job
     * would take the steps trained in all past the cap, and ranks what ran (Ray Tune's {@code
     * time_budget_s}, in steps). A promoted trial counts the steps it adds.
     *
     * @param value the cap, at least the first rung's budget
     * @return this
     */
    public Builder maxTotalSteps(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("max_total_steps must be at least 1, got " + value);
      }
      maxTotalSteps = value;
      return this;
    }

    /** @param value the sampling seed (default 42) @return this */
    public Builder seed(long value) {
      seed = value;
      return this;
    }

    /**
     * Sets the validation metric that ranks trials (default {@code accuracy}); losses and errors
     * rank lower first, the others higher first (as early stopping's {@code Mode.infer}).
     *
     * @param value e.g. {@code mcc}
     * @return this
     */
    public Builder metric(String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("the metric needs a name, e.g. accuracy");
      }
      metric = value.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * Sets trials to run before the sampled ones, as Ray Tune's {@code points_to_evaluate}: a
     * grid's rows or a configuration known to work, so that the search starts from them and
     * early stopping decides between them and the samples. They count towards {@code trials};
     * the sampled trials after them are the plain search's first draws (same seed). Not for grid
     * sampling, which runs every combination anyway.
     *
     * @param values per trial, a value for every option of the space, checked by the caller
     * @return this
     */
    public Builder firstTrials(List<Map<String, JsonElement>> values) {
      firstTrials = List.copyOf(values);
      return this;
    }

    /**
     * Sets how trials are chosen (default {@link Sampler#random()}); {@link Sampler#tpe()} draws
     * each trial after its random startup trials from the results so far. Not for grid sampling.
     *
     * @param value the sampler
     * @return this
     */
    public Builder sampler(Sampler value) {
      sampler = Objects.requireNonNull(value, "sampler");
      return this;
    }

    /**
     * Confirms the leaders over fresh training seeds when the search has ended (SMAC's
     * intensification; Ray Tune's {@code Repeater}, after the search instead of for every trial):
     * the leaderboard's first {@code top} trials each train again from scratch to the full budget
     * once per seed, and the winner ({@link SearchResults#winner()}, {@code best.json}) is the one
     * with the best mean over those seeds. A search ranks its trials on one training seed, and on
     * a small validation set that seed's luck can be as large as the differences between the
     * leaders; the confirmation measures the configuration instead. Its runs go through the same
     * executor (on Spark, as tasks), are resumable like the rungs, and are not the search's steps:
     * {@code max_total_steps} does not count them and the report gives them apart. Adding a
     * confirmation to a finished search's folder and running it again trains only the
     * confirmation. Use seeds other than the search's own: the leaders were chosen on it.
     *
     * <pre>{@code
     * builder.confirm(2, 1, 2, 3, 4, 5);   // the top 2 trials, 5 fresh seeds each
     * }</pre>
     *
     * @param top how many of the leaderboard's first trials to confirm, at least 1
     * @param seeds the training seeds, distinct, at least one
     * @return this
     */
    public Builder confirm(int top, long... seeds) {
      if (top < 1) {
        throw new IllegalArgumentException("confirm top must be at least 1, got " + top);
      }
      if (seeds.length == 0) {
        throw new IllegalArgumentException("confirm needs at least one seed, e.g. confirm(1, 1, 2, 3)");
      }
      List<Long> list = java.util.stream.LongStream.of(seeds).boxed().toList();
      list.stream().filter(v -> list.indexOf(v) != list.lastIndexOf(v)).findFirst().ifPresent(v -> {
        throw new IllegalArgumentException("confirmation seed " + v + " is given twice; seeds must be distinct");
      });
      confirmTop = top;
      confirmSeeds = list;
      return this;
    }

    /**
     * Sets how a trial is written as a config that reproduces it (default: its values alone;
     * {@link SearchConfig} writes the full grid config file).
     *
     * @param value trial to config JSON
     * @return this
     */
    public Builder trialConfig(Function<Trial, JsonObject> value) {
      trialConfig = Objects.requireNonNull(value, "trialConfig");
      return this;
    }

    /**
     * Draws the trials.
     *
     * @return the search
     * @throws IllegalArgumentException for bad budgets, or grid sampling over a range
     */
    public SchemeSearch build() {
      if (strategy == Strategy.HYPERBAND && trials != null) {
        throw new IllegalArgumentException("hyperband draws the trials its brackets need (e.g. 143"
            + " for 5 rungs and eta 3); leave out trials and set the rungs with min_steps, max_steps"
            + " and eta");
      }
      if (strategy == Strategy.GRID && !firstTrials.isEmpty()) {
        throw new IllegalArgumentException("grid sampling runs every combination; first_trials is"
            + " for random sampling, successive halving, ASHA and Hyperband");
      }
      if (strategy == Strategy.GRID && sampler != Sampler.random()) {
        throw new IllegalArgumentException("grid sampling runs every combination; sampler "
            + sampler.spec() + " is for random sampling, successive halving, ASHA and Hyperband");
      }
      long firstJob = strategy.halving() ? minSteps : maxSteps;
      if (maxTotalSteps > 0 && maxTotalSteps < firstJob) {
        throw new IllegalArgumentException("max_total_steps " + maxTotalSteps + " is below the first"
            + " job's " + firstJob + " steps, so nothing would train; raise it or lower "
            + (strategy.halving() ? "min_steps" : "max_steps"));
      }
      int count = trials != null ? trials : strategy == Strategy.GRID ? 0 : 9;
      if (count == 0 && strategy != Strategy.GRID && strategy != Strategy.HYPERBAND) {
        throw new IllegalArgumentException("trials must be at least 1 for " + strategy.key());
      }
      return new SchemeSearch(this, count);
    }
  }
}
