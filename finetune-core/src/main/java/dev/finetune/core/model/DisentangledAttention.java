package dev.finetune.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * DeBERTa's disentangled attention ({@code DisentangledSelfAttention} of Hugging Face's
 * {@code modeling_deberta_v2.py}): besides content-to-content scores q·k, each layer adds
 * content-to-position (c2p, the query against the key projection of a relative-position
 * embedding) and position-to-content (p2c, the key against the query projection of it) terms,
 * all divided by {@code sqrt(d * (1 + #terms))}. The encoder owns the relative-position table
 * {@code encoder.rel_embeddings} ({@code 2 * span} rows) and, with {@code norm_rel_ebd} holding
 * {@code layer_norm}, {@code encoder.LayerNorm}; relative distances are bucketed logarithmically
 * beyond {@code position_buckets / 2} ({@code make_log_bucket_position}). With
 * {@code share_att_key} (every published v2/v3 checkpoint) the positions go through the layer's
 * own {@code query_proj}/{@code key_proj}, so PEFT wrappers on them (LoRA, IA3) apply to the
 * position terms too, as they do under PEFT.
 *
 * <p>A key/value prefix of P vectors (prefix tuning) sits at the P positions before the sequence:
 * query i is at position P + i and key j at j, as Hugging Face numbers tokens after
 * {@code past_key_values} (its DeBERTa itself accepts no {@code past_key_values}). Soft prompts
 * (prompt tuning) are ordinary positions 0..P-1 of the sequence.
 *
 * <pre>{@code
 * ModelType.fromHf("deberta-v2").disentangledAttention(config)
 *     .ifPresent(s -> s.span());   // position_buckets, else max_relative_positions
 * }</pre>
 */
public final class DisentangledAttention {

  /** The encoder's relative-position table. */
  public static final String REL_EMBEDDINGS = "encoder.rel_embeddings.weight";
  /** The LayerNorm on the table ({@code norm_rel_ebd: layer_norm}), without weight/bias. */
  public static final String REL_NORM = "encoder.LayerNorm";

  /**
   * The relative-attention settings of a {@code config.json} ({@code relative_attention: true}).
   *
   * <pre>{@code
   * DisentangledAttention.Settings s = new DisentangledAttention.Settings(8, 16, true, true, true);
   * s.span();          // 8 buckets each side: a table of 16 rows
   * s.scaleFactor();   // 3: content, c2p and p2c
   * }</pre>
   *
   * @param positionBuckets {@code position_buckets}; 0 or less for none
   * @param maxRelativePositions {@code max_relative_positions} (already defaulted to
   *     {@code max_position_embeddings} when below 1)
   * @param c2p whether {@code pos_att_type} holds {@code c2p}
   * @param p2c whether {@code pos_att_type} holds {@code p2c}
   * @param normalize whether {@code norm_rel_ebd} holds {@code layer_norm}
   */
  public record Settings(
      int positionBuckets, int maxRelativePositions, boolean c2p, boolean p2c, boolean normalize) {

    /**
     * Checks the sizes.
     *
     * @throws IllegalArgumentException when max_relative_positions is below 1
     */
    public Settings {
      if (maxRelativePositions < 1) {
        throw new IllegalArgumentException(
            "max_relative_positions must be at least 1, got " + maxRelativePositions);
      }
    }

    /**
     * Relative distances each side: {@code position_buckets} when set, else
     * {@code max_relative_positions} ({@code pos_ebd_size}).
     *
     * @return the span; the table has twice as many rows
     */
    public int span() {
      return positionBuckets > 0 ? positionBuckets : maxRelativePositions;
    }

    /**
     * One plus the number of position terms: scores are divided by {@code sqrt(d * this)}.
     *
     * @return 1, 2 or 3
     */
    public int scaleFactor() {
      return 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0);
    }

    /**
     * The table's row for a relative distance (query position minus key position): bucketed,
     * shifted by the span and clamped to the table, as {@code c2p_pos} and {@code p2c_pos}.
     *
     * @param distance query position minus key position
     * @return a row in [0, 2 * span)
     */
    public int row(long distance) {
      long bucketed = positionBuckets > 0 && maxRelativePositions > 0
          ? logBucket(distance, positionBuckets, maxRelativePositions) : distance;
      return (int) Math.max(0, Math.min(2L * span() - 1, bucketed + span()));
    }

    /** The encoder tensors these settings need, by name, with their shapes. */
    Map<String, long[]> tensors(long hidden) {
      Map<String, long[]> m = new LinkedHashMap<>();
      m.put(REL_EMBEDDINGS, new long[] {2L * span(), hidden});
      if (normalize) {
        m.put(REL_NORM + ".weight", new long[] {hidden});
        m.put(REL_NORM + ".bias", new long[] {hidden});
      }
      return m;
    }
  }

  /**
   * Hugging Face's {@code make_log_bucket_position}, in float32 as PyTorch computes it: distances
   * within {@code buckets / 2} are kept, longer ones map to
   * {@code sign * (ceil(log(|d| / mid) / log((max - 1) / mid) * (mid - 1)) + mid)}.
   *
   * @param distance the relative distance
   * @param buckets {@code position_buckets}
   * @param maxPosition {@code max_relative_positions}
   * @return the bucketed distance
   */
  static long logBucket(long distance, int buckets, int maxPosition) {
    int mid = buckets / 2;
    long abs = distance < mid && distance > -mid ? mid - 1 : Math.abs(distance);
    if (abs <= mid) {
      return distance;
    }
    float num = (float) Math.log((float) abs / mid);
    float den = (float) Math.log((float) ((maxPosition - 1) / (double) mid));
    float logPos = (float) Math.ceil(num / den * (mid - 1)) + mid;
    return (long) logPos * Long.signum(distance);
  }

  private final Settings settings;
  private final EncoderConfig config;
  private final Parameter table;
  private final Parameter normWeight;
  private final Parameter normBias;
  private final float scale;

  DisentangledAttention(Settings settings, EncoderConfig config, ParameterFactory factory) {
    this.settings = settings;
    this.config = config;
    long h = config.hiddenSize();
    table = factory.create(REL_EMBEDDINGS, 2L * settings.span(), h);
    normWeight = settings.normalize() ? factory.create(REL_NORM + ".weight", h) : null;
    normBias = settings.normalize() ? factory.create(REL_NORM + ".bias", h) : null;
    scale = (float) (1.0 / Math.sqrt((double) config.headSize() * settings.scaleFactor()));
  }

  /**
   * The settings.
   *
   * @return the settings
   */
  public Settings settings() {
    return settings;
  }

  /** Starts one forward pass: the (normalised) table, computed once for every layer. */
  Pass pass(ForwardContext ctx) {
    NDArray weights = ctx.value(table);
    // ops on a parameter's array belong to the model's manager: hand the pass its own array (a
    // view without the LayerNorm), so the projections of the table are freed with the batch
    NDArray rel = normWeight == null
        ? weights.reshape(weights.getShape())
        : LayerNorm.layerNorm(weights, new Shape(config.hiddenSize()), ctx.value(normWeight),
            ctx.value(normBias), (float) config.layerNormEps()).singletonOrThrow();
    return new Pass(ctx.temporary(rel));
  }

  /** What the layers of one forward pass share: the table and the row indices per key length. */
  final class Pass {
    private final NDArray rel;
    private final Map<Long, NDArray[]> rows = new HashMap<>();

    private Pass(NDArray rel) {
      this.rel = rel;
    }

    /** The multiplier of q·k: {@code 1 / sqrt(d * scale_factor)}. */
    float scale() {
      return scale;
    }

    /**
     * Adds the c2p and p2c scores of one layer, scaled as the content scores.
     *
     * @param ctx the forward pass
     * @param query the layer's query projection (shared with the positions)
     * @param key the layer's key projection
     * @param qh (B, heads, T, d) the queries, already multiplied by {@link #scale()}
     * @param k (B, S, H) the keys (a key/value prefix first, S = P + T)
     * @param scores (B, heads, T, S) the content scores
     * @return (B, heads, T, S), {@code scores} itself when pos_att_type names no term
     */
    NDArray addScores(ForwardContext ctx, Projection query, Projection key, NDArray qh, NDArray k,
        NDArray scores) {
      if (!settings.c2p() && !settings.p2c()) {
        return scores;
      }
      long[] qs = qh.getShape().getShape();
      long batch = qs[0];
      long heads = qs[1];
      long t = qs[2];
      long d = qs[3];
      long s = k.getShape().get(1);
      long r = rel.getShape().get(0);
      NDArray[] index = rows(ctx, t, s);
      NDArray positions = ctx.dropout(rel, config.hiddenDropout()); // pos_dropout, per layer
      NDArray out = scores;
      if (settings.c2p()) {
        NDArray posKey = key.forward(ctx, positions).reshape(r, heads, d).transpose(1, 2, 0);
        NDArray all = qh.matMul(posKey); // (B, heads, T, 2 span)
        out = out.add(all.gather(index[0].broadcast(batch, heads, t, s), 3));
      }
      if (settings.p2c()) {
        NDArray posQuery = query.forward(ctx, positions).mul(Scalars.like(qh, scale))
            .reshape(r, heads, d).transpose(1, 2, 0);
        NDArray kh = k.reshape(batch, s, heads, d).transpose(0, 2, 1, 3);
        NDArray all = kh.matMul(posQuery); // (B, heads, S, 2 span)
        NDArray p2c = all.gather(index[1].broadcast(batch, heads, s, t), 3).transpose(0, 1, 3, 2);
        out = out.add(p2c);
      }
      return out;
    }

    /** Table rows (T, S) for c2p and their transpose (S, T) for p2c, cached per key length. */
    private NDArray[] rows(ForwardContext ctx, long t, long s) {
      return rows.computeIfAbsent(s, unused -> {
        long[] c2p = rowIndex(settings, (int) t, (int) s);
        long[] p2c = new long[c2p.length];
        for (int i = 0; i < t; i++) {
          for (int j = 0; j < s; j++) {
            p2c[(int) (j * t + i)] = c2p[(int) (i * s + j)];
          }
        }
        return new NDArray[] {
          ctx.manager().create(c2p, new Shape(t, s)), ctx.manager().create(p2c, new Shape(s, t))
        };
      });
    }
  }

  /**
   * The table row of every (query, key) pair, row-major (T, S): the S - T keys of a key/value
   * prefix come first, at the positions before the sequence, so query i is at S - T + i.
   *
   * @param settings the settings
   * @param t queries
   * @param s keys
   * @return {@code settings.row(S - T + i - j)} at {@code i * S + j}
   */
  static long[] rowIndex(Settings settings, int t, int s) {
    long prefix = s - t;
    // distances run from 1 - T (query 0 at P, the last key) to S - 1 (the last query, key 0)
    int lowest = 1 - t;
    long[] byDistance = new long[s + t - 1];
    for (int d = 0; d < byDistance.length; d++) {
      byDistance[d] = settings.row(d + lowest);
    }
    long[] rows = new long[t * s];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < s; j++) {
        rows[i * s + j] = byDistance[(int) (prefix + i - j) - lowest];
      }
    }
    return rows;
  }
}
