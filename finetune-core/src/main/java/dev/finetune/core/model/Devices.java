package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device names and the GPU fallback, in one place for the loader, the model builder and the
 * training chain. Names: {@code cpu}, {@code gpu} or {@code cuda} (the first GPU), {@code gpu:N} or
 * {@code cuda:N} (GPU number N), and DJL's own {@code gpu(N)}. A GPU asked for when the engine
 * sees none resolves to the CPU, with one warning per process (not one per call); a GPU number
 * beyond the ones the engine sees fails, naming the ones it has.
 *
 * <pre>{@code
 * Device d = Devices.resolve(Devices.parse("cuda:1")); // gpu(1), or cpu() with a warning
 * PretrainedEncoder encoder = Encoders.loader().device(d).embeddedMiniLm();
 * }</pre>
 */
public final class Devices {

  private static final Logger LOG = LoggerFactory.getLogger(Devices.class);

  /** What device names look like, for messages. */
  public static final String NAMES = "cpu, gpu, gpu:N or cuda:N";

  /** The system property that chooses the library of float32 linear layers on the CPU. */
  public static final String CPU_MATMUL_PROPERTY = "finetune.cpu.matmul";

  private static final Pattern NAME = Pattern.compile("(cpu|gpu|cuda)(?::(\\d+)|\\((\\d+)\\))?");

  private static final Resolver DEFAULT =
      new Resolver(() -> Engine.getInstance().getGpuCount(), LOG::warn, Devices::engineDescription);

  private Devices() {}

  /**
   * Parses a device name.
   *
   * @param name e.g. {@code cpu}, {@code gpu}, {@code gpu:1}, {@code cuda:0}
   * @return the device (not yet checked against the engine: see {@link #resolve(Device)})
   * @throws IllegalArgumentException naming the text and the valid forms
   */
  public static Device parse(String name) {
    Matcher m = NAME.matcher(name == null ? "" : name.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("device '" + name + "' is unknown; use " + NAMES);
    }
    if (m.group(1).equals("cpu")) {
      if (m.group(2) != null || m.group(3) != null) {
        throw new IllegalArgumentException("device '" + name + "': the CPU has no number; use cpu");
      }
      return Device.cpu();
    }
    String index = m.group(2) != null ? m.group(2) : m.group(3);
    return Device.gpu(index == null ? 0 : Integer.parseInt(index));
  }

  /**
   * A device's name in the form {@link #parse(String)} reads.
   *
   * @param device the device
   * @return {@code cpu} or {@code gpu:N} (other kinds as DJL names them)
   */
  public static String name(Device device) {
    if (device.isGpu()) {
      return "gpu:" + device.getDeviceId();
    }
    return Device.Type.CPU.equals(device.getDeviceType()) ? "cpu" : device.toString();
  }

  /**
   * The device to create tensors on for a request: the request itself, or the CPU for a GPU
   * request when the engine sees no GPU (warned once per process).
   *
   * @param requested the device asked for
   * @return the device to use
   * @throws IllegalArgumentException for a GPU number the engine does not have
   */
  public static Device resolve(Device requested) {
    return DEFAULT.resolve(requested);
  }

  /**
   * The library that runs float32 linear layers on the CPU: {@code onednn} (libtorch's oneDNN,
   * through the library's TorchScript kernels) or {@code mkl} (libtorch's default). Chosen by the
   * system property {@code finetune.cpu.matmul} ({@code auto}, {@code onednn}, {@code mkl}):
   * {@code auto} takes oneDNN on x86 processors with AVX-512 that are not Intel's (AMD EPYC,
   * where MKL runs its AVX2 code: about 2x slower products) and MKL elsewhere.
   *
   * <pre>{@code
   * String lib = Devices.cpuMatmul();   // "onednn" on an AVX-512 AMD machine
   * }</pre>
   *
   * @return {@code onednn} or {@code mkl}
   * @throws IllegalArgumentException when the property names neither
   */
  public static String cpuMatmul() {
    return CpuKernels.linearLayers() ? "onednn" : "mkl";
  }

  /**
   * What the engine is, for the message about a missing GPU: its name and version, the
   * {@code PYTORCH_FLAVOR} and {@code PYTORCH_LIBRARY_PATH} it was started with, and whether a
   * CUDA driver answered.
   *
   * @return e.g. {@code PyTorch 2.7.1, PYTORCH_FLAVOR not set, no CUDA driver found}
   */
  public static String engineDescription() {
    Engine engine = Engine.getInstance();
    String flavor = System.getenv("PYTORCH_FLAVOR");
    String library = System.getenv("PYTORCH_LIBRARY_PATH");
    return engine.getEngineName() + " " + engine.getVersion()
        + (flavor == null ? ", PYTORCH_FLAVOR not set" : ", PYTORCH_FLAVOR=" + flavor)
        + (library == null ? "" : ", PYTORCH_LIBRARY_PATH=" + library)
        + (CudaUtils.hasCuda() ? ", a CUDA driver with " + CudaUtils.getGpuCount() + " GPU(s)"
            : ", no CUDA driver found");
  }

  /**
   * The warning for a GPU request on an engine that sees none: what was asked, what the engine
   * is, how to get a GPU build, and what happens instead.
   *
   * @param requested the device asked for
   * @param engine {@link #engineDescription()}
   * @return the message
   */
  static String noGpuMessage(Device requested, String engine) {
    return name(requested).replace("gpu", "cuda") + " requested but the engine sees no GPU ("
        + engine + "). To train on a GPU, run on a machine with an NVIDIA driver and either set"
        + " PYTORCH_FLAVOR=cu128 (DJL downloads the CUDA build of libtorch once) or point"
        + " PYTORCH_LIBRARY_PATH at a CUDA libtorch (README, 'GPU'). Using the CPU for this and"
        + " every later GPU request.";
  }

  /**
   * Resolves requests against a GPU count, warning once about a missing GPU (tests build one with
   * a fake count and a warning sink; {@link Devices#resolve(Device)} uses the engine's).
   */
  static final class Resolver {
    private final IntSupplier gpuCount;
    private final Consumer<String> warning;
    private final Supplier<String> engine;
    private final AtomicBoolean warned = new AtomicBoolean();

    Resolver(IntSupplier gpuCount, Consumer<String> warning, Supplier<String> engine) {
      this.gpuCount = gpuCount;
      this.warning = warning;
      this.engine = engine;
    }

    Device resolve(Device requested) {
      Objects.requireNonNull(requested, "device");
      if (!requested.isGpu()) {
        return requested;
      }
      int gpus = gpuCount.getAsInt();
      if (gpus == 0) {
        if (!warned.getAndSet(true)) {
          warning.accept(noGpuMessage(requested, engine.get()));
        }
        return Device.cpu();
      }
      if (requested.getDeviceId() >= gpus) {
        throw new IllegalArgumentException("device " + requested + " requested but the engine sees "
            + gpus + " GPU(s); use gpu:0" + (gpus > 1 ? " to gpu:" + (gpus - 1) : ""));
      }
      return requested;
    }
  }
}
