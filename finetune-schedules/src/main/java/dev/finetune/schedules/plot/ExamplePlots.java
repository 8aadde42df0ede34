package dev.finetune.schedules.plot;

import dev.finetune.schedules.LrSchedule;
import dev.finetune.schedules.Schedules;
import dev.finetune.schedules.policy.LrPolicies;
import dev.finetune.schedules.policy.LrPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the example plots of {@code docs/schedules/}.
 *
 * <p>Regenerate from the repository root with:
 *
 * <pre>{@code
 * mvn -B -ntp -o -q -pl finetune-schedules compile exec:java \
 *     -Dexec.mainClass=dev.finetune.schedules.plot.ExamplePlots -Dexec.args=docs/schedules
 * }</pre>
 */
public final class ExamplePlots {

  private ExamplePlots() {}

  /**
   * Writes the plots.
   *
   * @param args the output directory (default {@code docs/schedules})
   * @throws IOException when a file cannot be written
   */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path dir = Path.of(args.length > 0 ? args[0] : "docs/schedules");
    for (Path p : write(dir)) {
      System.out.println("wrote " + p);
    }
  }

  /**
   * Writes every example plot into a directory.
   *
   * @param dir the directory (created if missing)
   * @return the files written
   * @throws IOException when a file cannot be written
   */
  public static List<Path> write(Path dir) throws IOException {
    Path oneCycle = dir.resolve("one_cycle.png");
    SchedulePlots.savePng(SchedulePlots.withMomentum(
        "OneCycleLR(max_lr=0.01, total_steps=1000) and its momentum", 1000,
        Schedules.parse("OneCycleLR(max_lr=0.01, total_steps=1000)")), oneCycle);

    Path cyclic = dir.resolve("cyclic.png");
    SchedulePlots.savePng(SchedulePlots.schedules("CyclicLR(base_lr=1e-3, max_lr=1e-2, step_size_up=100)",
        600, series(
            "triangular", "CyclicLR(base_lr=1e-3, max_lr=1e-2, step_size_up=100)",
            "triangular2", "CyclicLR(base_lr=1e-3, max_lr=1e-2, step_size_up=100, mode='triangular2')",
            "exp_range(gamma=0.997)",
            "CyclicLR(base_lr=1e-3, max_lr=1e-2, step_size_up=100, mode='exp_range', gamma=0.997)")),
        cyclic);

    Path sgdr = dir.resolve("sgdr.png");
    SchedulePlots.savePng(SchedulePlots.schedules("Cosine annealing (lr=0.1)", 700, series(
        "CosineAnnealingWarmRestarts(T_0=100, T_mult=2, eta_min=1e-3)",
        "CosineAnnealingWarmRestarts(T_0=100, T_mult=2, eta_min=1e-3, lr=0.1)",
        "CosineAnnealingLR(T_max=700)", "CosineAnnealingLR(T_max=700, lr=0.1)")), sgdr);

    Path hf = dir.resolve("hf_warmup.png");
    SchedulePlots.savePng(SchedulePlots.schedules(
        "Hugging Face schedules, 100 warm-up steps of 1000 (lr=1)", 1000, series(
            "linear", "linear_with_warmup(num_warmup_steps=100)",
            "cosine", "cosine_with_warmup(num_warmup_steps=100)",
            "cosine_with_restarts(num_cycles=3)",
            "cosine_with_hard_restarts_with_warmup(num_warmup_steps=100, num_cycles=3)",
            "polynomial(power=2)", "polynomial_decay_with_warmup(num_warmup_steps=100, power=2.0)",
            "constant_with_warmup", "constant_with_warmup(num_warmup_steps=100)",
            "inverse_sqrt", "inverse_sqrt(num_warmup_steps=100)")), hf);

    Path ulmfit = dir.resolve("slanted_triangular.png");
    SchedulePlots.savePng(SchedulePlots.schedules("ULMFiT slanted triangular vs. warm-up + linear",
        1000, series(
            "slanted_triangular(cut_frac=0.1, ratio=32)", "slanted_triangular(lr=0.01)",
            "linear_with_warmup(warmup_ratio=0.1)", "linear_with_warmup(warmup_ratio=0.1, lr=0.01)")),
        ulmfit);

    Path torch = dir.resolve("torch_decays.png");
    SchedulePlots.savePng(SchedulePlots.schedules("PyTorch decays (lr=0.1)", 300, series(
        "StepLR(step_size=60, gamma=0.5)", "StepLR(step_size=60, gamma=0.5, lr=0.1)",
        "MultiStepLR(milestones=[100, 200])", "MultiStepLR(milestones=[100, 200], lr=0.1)",
        "ExponentialLR(gamma=0.99)", "ExponentialLR(gamma=0.99, lr=0.1)",
        "PolynomialLR(total_iters=300, power=2)", "PolynomialLR(total_iters=300, power=2.0, lr=0.1)",
        "SequentialLR: LinearLR then SWALR(swa_lr=0.02)",
        "SequentialLR(schedulers=[LinearLR(start_factor=0.1, total_iters=50, lr=0.1), "
            + "SWALR(swa_lr=0.02, anneal_epochs=100, lr=0.1)], milestones=[150])")), torch);

    Path layers = dir.resolve("layer_lrs.png");
    Map<String, LrPolicy> policies = new LinkedHashMap<>();
    policies.put("uniform", LrPolicies.uniform());
    policies.put("layer-wise decay 0.95", LrPolicies.layerwiseDecay(0.95));
    policies.put("layer-wise decay 0.8", LrPolicies.layerwiseDecay(0.8));
    policies.put("grouped: 3 groups x 0.5", LrPolicies.groupedDecay(3, 0.5));
    policies.put("discriminative / 2.6 (ULMFiT)", LrPolicies.discriminative());
    SchedulePlots.savePng(SchedulePlots.policies("Per-layer LR, 12-layer BERT, base 2e-5", 12,
        2e-5, policies), layers);
    return List.of(oneCycle, cyclic, sgdr, hf, ulmfit, torch, layers);
  }

  private static Map<String, LrSchedule> series(String... nameSpecPairs) {
    Map<String, LrSchedule> out = new LinkedHashMap<>();
    for (int i = 0; i < nameSpecPairs.length; i += 2) {
      out.put(nameSpecPairs[i], Schedules.parse(nameSpecPairs[i + 1]));
    }
    return out;
  }
}
