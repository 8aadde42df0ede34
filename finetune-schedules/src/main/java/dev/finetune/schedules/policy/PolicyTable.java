package dev.finetune.schedules.policy;

import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy's learning rate per layer group, bottom to top, for tables and plots.
 *
 * <p>Each group is represented by one typical BERT parameter: the word embeddings, each layer's
 * query weight, the classifier weight. Rules that single out other parameters of a group do not
 * show here.
 *
 * <pre>{@code
 * List<PolicyTable.Row> rows = PolicyTable.rows(LrPolicies.layerwiseDecay(0.9), 12, 2e-5);
 * PolicyTable.writeCsv(rows, System.out);   // group,layer,lr
 * }</pre>
 */
public final class PolicyTable {

  private PolicyTable() {}

  /**
   * One group's row.
   *
   * <pre>{@code
   * PolicyTable.Row r = new PolicyTable.Row("layer.3", 3, 1.8e-5);
   * }</pre>
   *
   * @param group {@code embeddings}, {@code layer.N} or {@code head}
   * @param layer the layer index: -1, 0..L-1, or L for the head (plot-friendly)
   * @param lr the group's learning rate
   */
  public record Row(String group, int layer, double lr) {}

  /**
   * Lists the typical parameter of each group, bottom to top.
   *
   * @param numLayers {@code L}
   * @return embeddings, layers 0..L-1, head
   */
  public static List<ParameterAddress> representatives(int numLayers) {
    List<ParameterAddress> out = new ArrayList<>();
    out.add(new ParameterAddress("embeddings.word_embeddings.weight", ParameterAddress.EMBEDDINGS,
        ParameterRole.EMBEDDING));
    for (int l = 0; l < numLayers; l++) {
      out.add(new ParameterAddress("encoder.layer." + l + ".attention.self.query.weight", l,
          ParameterRole.ATTENTION));
    }
    out.add(new ParameterAddress("classifier.weight", ParameterAddress.HEAD, ParameterRole.HEAD));
    return out;
  }

  /**
   * Computes each group's learning rate.
   *
   * @param policy the policy
   * @param numLayers {@code L}
   * @param baseLr the base learning rate
   * @return rows bottom to top
   */
  public static List<Row> rows(LrPolicy policy, int numLayers, double baseLr) {
    List<Row> rows = new ArrayList<>();
    for (ParameterAddress a : representatives(numLayers)) {
      String group = a.isEmbeddings() ? "embeddings" : a.isHead() ? "head" : "layer." + a.layer();
      int x = a.isHead() ? numLayers : a.layer();
      rows.add(new Row(group, x, policy.lr(a, numLayers, baseLr)));
    }
    return rows;
  }

  /**
   * Writes {@code group,layer,lr} rows with a header.
   *
   * @param rows the rows
   * @param out where to write
   */
  public static void writeCsv(List<Row> rows, Appendable out) {
    try {
      out.append("group,layer,lr\n");
      for (Row r : rows) {
        out.append(r.group()).append(',').append(Integer.toString(r.layer())).append(',')
            .append(Double.toString(r.lr())).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
