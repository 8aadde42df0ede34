package dev.finetune.core.checkpoint;

import java.util.List;

/**
 * How a checkpoint's tensors matched the model, as Hugging Face reports it.
 *
 * <pre>{@code
 * LoadReport r = Encoders.load(dir).loadReport();
 * r.missing();      // expected by the model, absent from the checkpoint (initialised fresh)
 * r.unexpected();   // in the checkpoint, not used by the model
 * }</pre>
 *
 * @param missing encoder parameters absent from the checkpoint
 * @param unexpected checkpoint tensors the model does not use (head tensors excluded)
 * @param dropped tensors of layers left out on purpose (keep-first-k-layers)
 */
public record LoadReport(List<String> missing, List<String> unexpected, List<String> dropped) {

  /**
   * Copies the lists.
   *
   * @param missing missing names
   * @param unexpected unexpected names
   * @param dropped dropped names
   */
  public LoadReport {
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
    dropped = List.copyOf(dropped);
  }

  /**
   * Tells whether every expected tensor was found and every tensor used.
   *
   * @return true when nothing is missing or unexpected
   */
  public boolean isClean() {
    return missing.isEmpty() && unexpected.isEmpty();
  }
}
