/**
 * Fine-tuning methods as one registry: {@link dev.finetune.core.method.FineTuningMethods} holds
 * one {@link dev.finetune.core.method.MethodType} per method (name, spec parsing, adapter
 * configuration), found through {@code META-INF/services}; a configured
 * {@link dev.finetune.core.method.FineTuningMethod} installs itself, owns its parameters and
 * writes its adapter checkpoint through {@link dev.finetune.core.method.MethodCheckpoint}.
 *
 * <pre>{@code
 * SequenceClassifier model = ...;
 * model.apply(FineTuningMethods.parse("lora(16)"));
 * MethodCheckpoint.save(model, Path.of("runs/lora"));
 * }</pre>
 */
package dev.finetune.core.method;
