package dev.finetune.core.checkpoint;

import java.util.List;

/**
 * How a checkpoint's tensors matched the model, as Hugging Face reports it.
 *
 * <pre>{@code
 * LoadReport r = Encoders.load(dir).loadReport();
 * r.missing();      // expected by the model, absent from the checkpoint (initialised fresh)
 * r.unexpected();   // in the checkpoint, not used by the model
 * r.head();         // a fine-tuned task head (pooler, classifier): used when its shape fits
 * r.skipped();      // pre-training heads (cls.*, lm_head.*, vocab_*): not used, on purpose
 * }</pre>
 *
 * @param missing encoder parameters absent from the checkpoint
 * @param unexpected checkpoint tensors the model does not use (head tensors excluded)
 * @param dropped tensors of layers left out on purpose (keep-first-k-layers)
 * @param head tensors of the checkpoint's task head (pooler and classifier, names of the family's
 *     head layout): the head built on the encoder loads them when their shapes fit
 * @param skipped tensors of pre-training heads (masked-LM, next-sentence), left out on purpose
 */
public record LoadReport(
    List<String> missing,
    List<String> unexpected,
    List<String> dropped,
    List<String> head,
    List<String> skipped) {

  /**
   * Copies the lists.
   *
   * @param missing missing names
   * @param unexpected unexpected names
   * @param dropped dropped names
   * @param head task-head names
   * @param skipped pre-training-head names
   */
  public LoadReport {
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
    dropped = List.copyOf(dropped);
    head = List.copyOf(head);
    skipped = List.copyOf(skipped);
  }

  /**
   * Tells whether every expected tensor was found and every tensor used.
   *
   * @return true when nothing is missing or unexpected (skipped pre-training heads and a task head
   *     do not count)
   */
  public boolean isClean() {
    return missing.isEmpty() && unexpected.isEmpty();
  }
}
