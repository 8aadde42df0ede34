/**
 * Parameter-efficient fine-tuning as model surgery on the core's encoder blocks. Each method is an
 * immutable {@link dev.finetune.core.method.FineTuningMethod} that adds or wraps blocks, freezes
 * the base and keeps the head trainable unless told otherwise, and holds its own registry entry
 * (a nested {@code Type}, listed in {@code META-INF/services/dev.finetune.core.method.MethodType}:
 * {@code lora}, {@code ia3}, {@code prompt}, {@code prefix}, {@code houlsby}, {@code pfeiffer},
 * {@code parallel}, {@code bitfit}, {@code head}, {@code embeddings}, {@code encoder},
 * {@code top_layers}):
 *
 * <ul>
 *   <li>{@link dev.finetune.peft.Lora} - low-rank updates of chosen projections, mergeable, named
 *       adapters ({@link dev.finetune.peft.LoraLayers});
 *   <li>{@link dev.finetune.peft.Ia3} - learned rescaling of key, value and FFN activations;
 *   <li>{@link dev.finetune.peft.Adapters} - Houlsby, Pfeiffer and parallel bottleneck adapters;
 *   <li>{@link dev.finetune.peft.PromptTuning} - trainable soft tokens before the input;
 *   <li>{@link dev.finetune.peft.PrefixTuning} - trainable key/value prefixes in every attention
 *       layer, optionally through an MLP;
 *   <li>{@link dev.finetune.peft.BitFit} - the base's biases only;
 *   <li>{@link dev.finetune.peft.Selective} - presets that train whole parts of the base.
 * </ul>
 *
 * <p>{@link dev.finetune.peft.AdapterCheckpoint} saves and loads what a method trained, with the
 * head, alone (Hugging Face PEFT's layout for LoRA, IA3, prompt and prefix tuning).
 *
 * <pre>{@code
 * FineTune.of(model).peft(Peft.prefixTuning(20).projection(384)).fit(train, dev);
 * AdapterCheckpoint.save(model, Path.of("runs/sst2-prefix"));   // the method applied, and the head
 * }</pre>
 */
package dev.finetune.peft;
