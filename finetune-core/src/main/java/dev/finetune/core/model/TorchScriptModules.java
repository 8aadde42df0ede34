package dev.finetune.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Loads the library's TorchScript modules from their source text. Each module is one
 * {@code *.torchscript} resource beside this class: a class in TorchScript's serialized-code
 * dialect (what {@code torch.jit.save} writes to {@code code/__torch__.py}), with no parameters of
 * its own. This class wraps the text into the archive layout libtorch reads (the source, a
 * pickled instance, an empty constants table, format version 3) and libtorch compiles it at load,
 * so a module may call any operator of the libtorch DJL runs (2.7), whatever torch wrote it; no
 * binary is kept in git and nothing is built outside Java.
 *
 * <pre>{@code
 * PtSymbolBlock cast = TorchScriptModules.load("ToBfloat16.torchscript");
 * }</pre>
 */
final class TorchScriptModules {

  private static final Pattern CLASS = Pattern.compile("^class (\\w+)\\(Module\\):", Pattern.MULTILINE);

  private TorchScriptModules() {}

  /**
   * Compiles a module resource for the life of the JVM, owned by a CPU manager of its own (closed
   * again when loading fails).
   *
   * @param resource the file name beside this class, such as {@code CpuKernels.torchscript}
   * @return the module, in evaluation mode
   * @throws IOException when the resource is missing or malformed
   * @throws RuntimeException (libtorch's) when the source does not compile on this engine
   */
  static PtSymbolBlock load(String resource) throws IOException {
    NDManager owner = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    try {
      return load(resource, (PtNDManager) owner);
    } catch (IOException | RuntimeException e) {
      owner.close();
      throw e;
    }
  }

  /**
   * Compiles a module resource.
   *
   * @param resource the file name beside this class, such as {@code CpuKernels.torchscript}
   * @param owner the manager that owns the module
   * @return the module, in evaluation mode
   * @throws IOException when the resource is missing or malformed
   * @throws RuntimeException (libtorch's) when the source does not compile on this engine
   */
  static PtSymbolBlock load(String resource, PtNDManager owner) throws IOException {
    String source;
    try (InputStream in = TorchScriptModules.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("resource " + resource + " is missing from the jar");
      }
      source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = CLASS.matcher(source);
    if (!m.find()) {
      throw new IOException(resource + " defines no 'class Name(Module):'");
    }
    byte[] archive = archive(m.group(1), source);
    PtSymbolBlock module = JniUtils.loadModule(owner, new ByteArrayInputStream(archive), true,
        false);
    JniUtils.enableInferenceMode(module);
    return module;
  }

  /** The archive torch.jit.save would write for a parameterless module of this class. */
  static byte[] archive(String className, String source) throws IOException {
    String root = className + "/";
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      stored(zip, root + "data.pkl", instancePickle(className));
      stored(zip, root + "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
      stored(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // ()
      stored(zip, root + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
    return bytes.toByteArray();
  }

  /**
   * Pickle protocol 2 of {@code __torch__.<className>()} with the state {@code training=True,
   * _is_full_backward_hook=None}, byte for byte what torch writes for such a module.
   */
  private static byte[] instancePickle(String className) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(0x80); // PROTO 2
    p.write(2);
    p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
    p.writeBytes(new byte[] {'q', 0, ')', (byte) 0x81, '}', '('}); // BINPUT, (), NEWOBJ, {}, MARK
    unicode(p, "training");
    p.writeBytes(new byte[] {'q', 1, (byte) 0x88}); // BINPUT, True
    unicode(p, "_is_full_backward_hook");
    p.writeBytes(new byte[] {'q', 2, 'N', 'u', 'b', 'q', 3, '.'}); // None, SETITEMS, BUILD, STOP
    return p.toByteArray();
  }

  private static void unicode(ByteArrayOutputStream p, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    p.write('X'); // BINUNICODE, 4-byte little-endian length
    p.write(utf8.length);
    p.write(0);
    p.write(0);
    p.write(0);
    p.writeBytes(utf8);
  }

  private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED); // libtorch reads records in place: no compression
    entry.setSize(data.length);
    entry.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    entry.setCrc(crc.getValue());
    entry.setTime(315532800000L); // 1980-01-01, as torch writes
    zip.putNextEntry(entry);
    zip.write(data);
    zip.closeEntry();
  }
}
