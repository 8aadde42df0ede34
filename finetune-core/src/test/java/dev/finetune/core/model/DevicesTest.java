package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Device names, the one-warning GPU fallback, and GPU numbers the engine lacks. */
class DevicesTest {

  @Test
  void namesParseWithOrWithoutAnIndex() {
    assertThat(Devices.parse("cpu")).isEqualTo(Device.cpu());
    assertThat(Devices.parse(" CPU ")).isEqualTo(Device.cpu());
    assertThat(Devices.parse("gpu")).isEqualTo(Device.gpu(0));
    assertThat(Devices.parse("cuda")).isEqualTo(Device.gpu(0));
    assertThat(Devices.parse("gpu:1")).isEqualTo(Device.gpu(1));
    assertThat(Devices.parse("cuda:1")).isEqualTo(Device.gpu(1));
    assertThat(Devices.parse("gpu(2)")).isEqualTo(Device.gpu(2));
    assertThat(Devices.name(Devices.parse("cuda:1"))).isEqualTo("gpu:1");
    assertThat(Devices.name(Device.cpu())).isEqualTo("cpu");
    assertThatThrownBy(() -> Devices.parse("tpu"))
        .hasMessage("device 'tpu' is unknown; use cpu, gpu, gpu:N or cuda:N");
    assertThatThrownBy(() -> Devices.parse("gpu:x")).hasMessageContaining("is unknown");
    assertThatThrownBy(() -> Devices.parse("cpu:1")).hasMessageContaining("the CPU has no number");
  }

  @Test
  void aGpuRequestWithoutAGpuFallsBackToTheCpuWithOneWarning() {
    List<String> warnings = new ArrayList<>();
    Devices.Resolver resolver = new Devices.Resolver(() -> 0, warnings::add, () -> "PyTorch 2.7.1");
    assertThat(resolver.resolve(Devices.parse("cuda:1"))).isEqualTo(Device.cpu());
    assertThat(resolver.resolve(Device.gpu())).isEqualTo(Device.cpu());
    assertThat(resolver.resolve(Device.cpu())).isEqualTo(Device.cpu());
    assertThat(warnings).singleElement().asString().startsWith(
        "cuda:1 requested but the engine sees no GPU (PyTorch 2.7.1). To train on a GPU")
        .contains("PYTORCH_FLAVOR=cu128", "PYTORCH_LIBRARY_PATH", "Using the CPU");
  }

  @Test
  void aGpuNumberBeyondTheEnginesFailsNamingTheValidOnes() {
    Devices.Resolver resolver = new Devices.Resolver(() -> 2, w -> { }, () -> "PyTorch");
    assertThat(resolver.resolve(Device.gpu(1))).isEqualTo(Device.gpu(1));
    assertThatThrownBy(() -> resolver.resolve(Device.gpu(2)))
        .hasMessage("device gpu(2) requested but the engine sees 2 GPU(s); use gpu:0 to gpu:1");
  }

  @Test
  void onThisEngineTheMessageDescribesTheEngineAndTheFix() {
    String engine = Devices.engineDescription();
    assertThat(engine).startsWith("PyTorch " + Engine.getInstance().getVersion());
    if (Engine.getInstance().getGpuCount() == 0) {
      assertThat(engine).contains("PYTORCH_FLAVOR");
      assertThat(Devices.noGpuMessage(Devices.parse("cuda:1"), engine))
          .startsWith("cuda:1 requested but the engine sees no GPU (PyTorch ")
          .endsWith("Using the CPU for this and every later GPU request.");
    }
  }

  @Test
  void theEnginesResolverUsesItsGpuCount() {
    int gpus = Engine.getInstance().getGpuCount();
    assertThat(Devices.resolve(Devices.parse("cuda"))).isEqualTo(gpus == 0 ? Device.cpu() : Device.gpu(0));
    assertThat(Devices.resolve(Device.cpu())).isEqualTo(Device.cpu());
  }
}
