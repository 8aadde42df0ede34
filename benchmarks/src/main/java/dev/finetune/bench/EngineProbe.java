package dev.finetune.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.finetune.core.model.Devices;
import dev.finetune.core.train.TrainingSettings;
import java.util.Arrays;

/**
 * Brings the engine up and says what it sees, one {@code KEY=value} per line, for {@code
 * gpu/check.sh}: the engine and its libtorch, the GPU count, whether the {@code precision} setting
 * exists in this build, and a 2 × 2 product on the CPU and on every GPU (float32, and bf16 on the
 * GPU). Any failure is printed and the exit code is 1.
 *
 * <pre>{@code
 * java -cp 'gpu/bundle/lib/*' dev.finetune.bench.EngineProbe
 * ENGINE=PyTorch 2.11.0 ...
 * GPUS=1
 * }</pre>
 */
public final class EngineProbe {

  private EngineProbe() {}

  /**
   * Runs the probe.
   *
   * @param args {@code --expect-gpu} to try the first GPU through libtorch even when DJL counts none
   */
  public static void main(String[] args) {
    try {
      Engine engine = Engine.getInstance();
      System.out.println("ENGINE=" + Devices.engineDescription());
      System.out.println("ENGINE_VERSION=" + engine.getVersion());
      int gpus = engine.getGpuCount();
      System.out.println("GPUS=" + gpus);
      boolean precision = TrainingSettings.ALL.stream().anyMatch(s -> s.name().equals("precision"));
      System.out.println("PRECISION_SETTING=" + (precision ? "yes" : "no"));
      System.out.println("PRODUCT_cpu=" + product(Device.cpu(), DataType.FLOAT32));
      if (gpus == 0 && Arrays.asList(args).contains("--expect-gpu")) {
        // DJL counts GPUs through cudart (JNA), libtorch through its own CUDA: try libtorch anyway
        System.out.println("GPUS_MISMATCH=DJL's CUDA count is 0 (cudart not found by JNA?);"
            + " trying gpu(0) through libtorch");
        System.out.println("PRODUCT_gpu0=" + product(Device.gpu(0), DataType.FLOAT32));
      }
      for (int i = 0; i < gpus; i++) {
        System.out.println("PRODUCT_gpu" + i + "=" + product(Device.gpu(i), DataType.FLOAT32));
        System.out.println("PRODUCT_gpu" + i + "_bf16=" + product(Device.gpu(i), DataType.BFLOAT16));
      }
      System.out.println("PROBE=ok");
    } catch (Throwable t) {
      System.out.println("PROBE=failed " + t);
      for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
        System.out.println("CAUSE=" + c);
      }
      System.exit(1);
    }
  }

  /** [[1, 2], [3, 4]] squared: [[7, 10], [15, 22]]. */
  private static String product(Device device, DataType type) {
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2)).toType(type, false);
      return Arrays.toString(a.matMul(a).toType(DataType.FLOAT32, false).toFloatArray());
    }
  }
}
