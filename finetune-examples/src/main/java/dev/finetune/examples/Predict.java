package dev.finetune.examples;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.core.data.DataException;
import dev.finetune.core.data.tokens.EntitySpans;
import dev.finetune.core.model.ProblemType;
import dev.finetune.core.predict.Prediction;
import dev.finetune.core.predict.Predictor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Command line: predicts labels and scores for texts with a saved model (a whole or merged model
 * folder, or an adapter folder with its base). Input: text lines, CSV/TSV with a header, or JSONL
 * (by file extension), from a file or stdin; output: JSONL (default) or CSV with the label and
 * every class's score; for a multi-label model the labels over their decision thresholds
 * ({@code "labels"}, a list; in CSV joined by {@code ;}) and every label's sigmoid score; for a
 * regression model the {@code value};
 * for a token-classification model JSONL lines of the text and its entities
 * (type, score, character start and end, text).
 *
 * <pre>{@code
 * mvn -pl finetune-examples exec:java -Dexec.mainClass=dev.finetune.examples.Predict \
 *     -Dexec.args="--model runs/sst2-model --input reviews.txt"
 * }</pre>
 */
public final class Predict {

  static final String USAGE =
      """
      Predict labels with a saved model (token-classification models: entity spans, JSONL).

      usage: predict --model DIR [options]
        --model DIR          a saved model folder, or an adapter folder (its base is the one it records)
        --adapter DIR        an adapter folder to load onto --model (the base folder)
        --input FILE         .txt (one text per line), .csv/.tsv (header row) or .jsonl; default stdin (lines)
        --text-column NAME   the text's column or key (default: text, else sentence)
        --pair-column NAME   the second text's column or key, for sentence-pair models
        --output FILE        where to write (default stdout)
        --format NAME        jsonl (default) or csv
        --top-k N            scores of the N best classes only (default: all)
        --device NAME        cpu (default), gpu, gpu:1
        --batch-size N       texts per forward pass (default 32)
        --max-length N       truncation length in tokens (default: the model's)
        --quiet              no progress on the terminal
        --help               this text
      """;

  private static final List<String> FLAGS = List.of("help", "quiet");
  private static final List<String> VALUED = List.of("model", "adapter", "input", "text-column",
      "pair-column", "output", "format", "top-k", "device", "batch-size", "max-length");
  private static final int CHUNK = 256;
  /** Between a multi-label answer's labels in a CSV cell. */
  private static final String LABEL_SEPARATOR = ";";

  private Predict() {}

  /**
   * Runs the command.
   *
   * @param args the options above
   */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the command with explicit streams.
   *
   * @param args the options
   * @param out where predictions go (unless --output)
   * @param err where errors and progress go
   * @return 0 on success, 2 on bad arguments, 1 on bad files
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return ModelCommand.run(args, USAGE, FLAGS, VALUED, true, o -> {
      String format = o.getOrDefault("format", "jsonl");
      if (!format.equals("jsonl") && !format.equals("csv")) {
        throw new IllegalArgumentException("--format must be jsonl or csv, got " + format);
      }
    }, (o, predictor) -> predict(o, predictor, out, err), out, err);
  }

  private static int predict(Map<String, String> o, Predictor predictor, PrintStream out,
      PrintStream err) throws IOException {
    Inputs inputs = Inputs.read(o.get("input"), o.get("text-column"), o.get("pair-column"));
    int topK = Integer.parseInt(o.getOrDefault("top-k", "0"));
    PrintStream target = o.containsKey("output")
        ? new PrintStream(Files.newOutputStream(Path.of(o.get("output"))), false,
            StandardCharsets.UTF_8)
        : out;
    boolean progress = !o.containsKey("quiet") && System.console() != null;
    boolean csv = o.getOrDefault("format", "jsonl").equals("csv");
    boolean tokens = predictor.problemType().perToken();
    if (tokens && (csv || inputs.pairs() != null || topK > 0)) {
      throw new IllegalArgumentException("a token-classification model prints entities as JSONL"
          + " ({\"text\", \"entities\": [{type, score, start, end, text}]}) for single texts:"
          + " drop --format csv, --pair-column and --top-k");
    }
    if (csv) {
      target.println(csvRow(header(predictor.problemType(), predictor.labelNames(), topK)));
    }
    for (int start = 0; start < inputs.texts().size(); start += CHUNK) {
      int end = Math.min(start + CHUNK, inputs.texts().size());
      List<String> texts = inputs.texts().subList(start, end);
      if (tokens) {
        List<List<EntitySpans.EntitySpan>> found = predictor.entities(texts);
        for (int i = 0; i < texts.size(); i++) {
          target.println(entitiesJson(texts.get(i), found.get(i)));
        }
        if (progress) {
          err.printf("\rpredicted %d/%d", end, inputs.texts().size());
        }
        continue;
      }
      List<Prediction> answers = inputs.pairs() == null ? predictor.predict(texts)
          : predictor.predictPairs(texts, inputs.pairs().subList(start, end));
      for (int i = 0; i < answers.size(); i++) {
        target.println(csv ? csvRow(row(texts.get(i), answers.get(i), topK))
            : json(texts.get(i), answers.get(i), topK));
      }
      if (progress) {
        err.printf("\rpredicted %d/%d", end, inputs.texts().size());
      }
    }
    if (progress) {
      err.println();
    }
    target.flush();
    if (target != out) {
      target.close();
    }
    return 0;
  }

  private static List<String> header(ProblemType kind, List<String> labels, int topK) {
    if (kind == ProblemType.REGRESSION) {
      return List.of("text", "value");
    }
    List<String> h = new ArrayList<>(List.of("text",
        kind == ProblemType.MULTI_LABEL_CLASSIFICATION ? "labels" : "label", "score"));
    if (topK > 0) {
      for (int k = 1; k <= topK; k++) {
        h.add("label_" + k);
        h.add("score_" + k);
      }
    } else {
      labels.forEach(l -> h.add("score_" + l));
    }
    return h;
  }

  /** A multi-label answer's labels over their thresholds, joined for a CSV cell. */
  private static String joined(Prediction p) {
    return String.join(LABEL_SEPARATOR, p.labels().stream().map(Prediction.LabelScore::label)
        .toList());
  }

  private static List<String> row(String text, Prediction p, int topK) {
    if (p.problemType() == ProblemType.REGRESSION) {
      return List.of(text, Float.toString(p.value()));
    }
    List<String> r = new ArrayList<>(List.of(text,
        p.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION ? joined(p) : p.label(),
        Float.toString(p.score())));
    if (topK > 0) {
      for (Prediction.LabelScore s : p.topK(topK)) {
        r.add(s.label());
        r.add(Float.toString(s.score()));
      }
    } else {
      for (float s : p.scores()) {
        r.add(Float.toString(s));
      }
    }
    return r;
  }

  private static String json(String text, Prediction p, int topK) {
    JsonObject o = new JsonObject();
    o.addProperty("text", text);
    if (p.problemType() == ProblemType.REGRESSION) {
      o.addProperty("value", p.value());
      return new Gson().toJson(o);
    }
    if (p.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION) {
      JsonArray labels = new JsonArray();
      p.labels().forEach(l -> labels.add(l.label()));
      o.add("labels", labels);
    } else {
      o.addProperty("label", p.label());
      o.addProperty("score", p.score());
    }
    JsonObject scores = new JsonObject();
    if (topK > 0) {
      p.topK(topK).forEach(s -> scores.addProperty(s.label(), s.score()));
    } else {
      for (int i = 0; i < p.scores().length; i++) {
        scores.addProperty(p.labelNames().get(i), p.scores()[i]);
      }
    }
    o.add("scores", scores);
    return new Gson().toJson(o);
  }

  /** One JSONL line of a token-classification model: the text and its entity spans. */
  static String entitiesJson(String text, List<EntitySpans.EntitySpan> spans) {
    JsonObject o = new JsonObject();
    o.addProperty("text", text);
    com.google.gson.JsonArray entities = new com.google.gson.JsonArray();
    for (EntitySpans.EntitySpan span : spans) {
      JsonObject e = new JsonObject();
      e.addProperty("type", span.type());
      e.addProperty("score", span.score());
      e.addProperty("start", span.start());
      e.addProperty("end", span.end());
      e.addProperty("text", span.text());
      entities.add(e);
    }
    o.add("entities", entities);
    return new Gson().toJson(o);
  }

  static String csvRow(List<String> cells) {
    List<String> quoted = new ArrayList<>();
    for (String c : cells) {
      quoted.add(c.contains(",") || c.contains("\"") || c.contains("\n")
          ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
    }
    return String.join(",", quoted);
  }

  /** Texts (and second texts) read from a file or stdin. */
  record Inputs(List<String> texts, List<String> pairs) {

    static Inputs read(String file, String textColumn, String pairColumn) throws IOException {
      BufferedReader in = file == null
          ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
      try (in) {
        String name = file == null ? "" : file.toLowerCase(Locale.ROOT);
        List<String> lines = in.lines().toList();
        if (name.endsWith(".jsonl")) {
          return jsonl(file, lines, textColumn, pairColumn);
        }
        if (name.endsWith(".csv") || name.endsWith(".tsv")) {
          return table(file, lines, name.endsWith(".tsv") ? '\t' : ',', textColumn, pairColumn);
        }
        if (pairColumn != null) {
          throw new IllegalArgumentException("--pair-column needs a .csv, .tsv or .jsonl input");
        }
        return new Inputs(lines, null);
      }
    }

    private static Inputs jsonl(String file, List<String> lines, String textKey, String pairKey) {
      List<String> texts = new ArrayList<>();
      List<String> pairs = pairKey == null ? null : new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) {
          continue;
        }
        JsonObject o;
        try {
          o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
        } catch (RuntimeException e) {
          throw new DataException(file + " line " + (i + 1) + " is not a JSON object", null, e);
        }
        texts.add(field(o, textKey, file, i));
        if (pairs != null) {
          pairs.add(field(o, pairKey, file, i));
        }
      }
      return new Inputs(texts, pairs);
    }

    private static String field(JsonObject o, String key, String file, int line) {
      String k = key != null ? key : o.has("text") ? "text" : "sentence";
      JsonElement e = o.get(k);
      if (e == null || e.isJsonNull()) {
        throw new DataException(file + " line " + (line + 1) + " has no \"" + k
            + "\" (name the key with --text-column / --pair-column)", null, null);
      }
      return e.getAsString();
    }

    private static Inputs table(String file, List<String> lines, char sep, String textColumn,
        String pairColumn) {
      if (lines.isEmpty()) {
        return new Inputs(List.of(), null);
      }
      List<String> header = split(lines.get(0), sep);
      int text = column(header, textColumn, file);
      int pair = pairColumn == null ? -1 : column(header, pairColumn, file);
      List<String> texts = new ArrayList<>();
      List<String> pairs = pair < 0 ? null : new ArrayList<>();
      for (int i = 1; i < lines.size(); i++) {
        if (lines.get(i).isEmpty()) {
          continue;
        }
        List<String> cells = split(lines.get(i), sep);
        if (cells.size() <= Math.max(text, pair)) {
          throw new DataException(file + " line " + (i + 1) + " has " + cells.size()
              + " columns, the header " + header.size(), null, null);
        }
        texts.add(cells.get(text));
        if (pairs != null) {
          pairs.add(cells.get(pair));
        }
      }
      return new Inputs(texts, pairs);
    }

    private static int column(List<String> header, String name, String file) {
      String wanted = name != null ? name : header.contains("text") ? "text" : "sentence";
      int index = header.indexOf(wanted);
      if (index < 0) {
        throw new DataException(file + " has no column '" + wanted + "' (columns " + header
            + "); name it with --text-column", null, null);
      }
      return index;
    }

    /** One CSV/TSV line, with double-quoted cells ("" inside quotes is a quote). */
    static List<String> split(String line, char sep) {
      List<String> cells = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            cell.append(c);
          }
        } else if (c == '"' && cell.length() == 0) {
          quoted = true;
        } else if (c == sep) {
          cells.add(cell.toString());
          cell.setLength(0);
        } else {
          cell.append(c);
        }
      }
      cells.add(cell.toString());
      return cells;
    }
  }
}
