package dev.finetune.core.checkpoint;

/**
 * A checkpoint (config, weights, tokenizer, ONNX export) cannot be used as it is: the message
 * names the file, the tensor or field, what was expected and what was found.
 *
 * <pre>{@code
 * try {
 *   Encoders.load(dir);
 * } catch (CheckpointException e) {
 *   System.err.println(e.getMessage());
 * }
 * }</pre>
 */
public class CheckpointException extends RuntimeException {

  /**
   * Creates the exception.
   *
   * @param message what is wrong and how to fix it
   */
  public CheckpointException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is wrong and how to fix it
   * @param cause the underlying failure
   */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
