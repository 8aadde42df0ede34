/**
 * Using what was trained: {@link dev.finetune.core.predict.Predictor} answers for texts and pairs
 * from a model in memory or a saved folder (whole, merged, or adapter with its recorded base),
 * {@link dev.finetune.core.model.ProblemType} turns logits into scores, and
 * {@link dev.finetune.core.predict.DjlModels} lets DJL's {@code Criteria} load a saved folder.
 *
 * <pre>{@code
 * try (Predictor p = Predictor.load(Path.of("runs/sst2-model"))) {
 *   p.predict("a gripping film").label();
 * }
 * }</pre>
 */
package dev.finetune.core.predict;
