/**
 * The structured result of a training run (one record per epoch) as a table, JSON and CSV, and
 * the memory probe that fills its memory columns.
 *
 * <pre>{@code
 * System.out.println(report.table());
 * report.save(Path.of("runs/sst2"));
 * }</pre>
 */
package dev.finetune.core.report;
