/**
 * Parameter-efficient fine-tuning as model surgery on the core's encoder blocks. Each method is an
 * immutable {@link dev.finetune.core.train.ModelTransform} that adds or wraps blocks, freezes the
 * base and keeps the head trainable unless told otherwise:
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
 * PrefixTuning prefix = Peft.prefixTuning(20).projection(384);
 * FineTune.of(model).peft(prefix).fit(train, dev);
 * AdapterCheckpoint.save(model, prefix, Path.of("runs/sst2-prefix"));
 * }</pre>
 */
package dev.finetune.peft;
