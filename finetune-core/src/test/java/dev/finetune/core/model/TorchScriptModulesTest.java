package dev.finetune.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link TorchScriptModules}: the archive it writes around a module's source is the one
 * {@code torch.jit.save} writes (the pickled instance byte for byte as Debian's torch 1.13 wrote
 * it for the former checked-in {@code to_bfloat16.pt}), and the library's modules compile on this
 * engine.
 */
class TorchScriptModulesTest {

  /** data.pkl of torch 1.13's {@code torch.jit.script(ToBfloat16()).save(...)}. */
  private static final String TORCH_DATA_PKL = "8002635f5f746f7263685f5f0a546f42666c6f617431360a710029817d285808000000"
      + "747261696e696e6771018858160000005f69735f66756c6c5f6261636b776172645f686f6f6b71024e756271032e";

  @Test
  void theArchiveHoldsWhatTorchWrites() throws IOException {
    byte[] archive = TorchScriptModules.archive("ToBfloat16", "class ToBfloat16(Module): ...");
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
      ZipEntry e;
      Map<String, byte[]> entries = new LinkedHashMap<>();
      while ((e = zip.getNextEntry()) != null) {
        assertThat(e.getMethod()).as(e.getName()).isEqualTo(ZipEntry.STORED);
        entries.put(e.getName(), zip.readAllBytes());
      }
      assertThat(entries).containsOnlyKeys("ToBfloat16/data.pkl", "ToBfloat16/code/__torch__.py",
          "ToBfloat16/constants.pkl", "ToBfloat16/version");
      assertThat(HexFormat.of().formatHex(entries.get("ToBfloat16/data.pkl")))
          .isEqualTo(TORCH_DATA_PKL);
      assertThat(entries.get("ToBfloat16/constants.pkl")).containsExactly(0x80, 2, ')', '.');
    }
  }

  @Test
  void theLibrarysModulesCompileAndBadSourceFailsAtLoad() throws IOException {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      assertThat(TorchScriptModules.load("ToBfloat16.torchscript", (PtNDManager) m)).isNotNull();
      assertThat(TorchScriptModules.load("CpuKernels.torchscript", (PtNDManager) m)).isNotNull();
      assertThat(CpuKernels.available()).isTrue();
      assertThatThrownBy(() -> TorchScriptModules.load("NoSuch.torchscript", (PtNDManager) m))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("resource NoSuch.torchscript is missing");
    }
  }
}
