package dev.finetune.peft.gpu;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the {@code gpu} test group without Maven (the GPU machine has a JRE and jars only):
 * {@code java -cp <jars> dev.finetune.peft.gpu.GpuTestMain}; prints one line per test (RESULT,
 * SKIPPED with the reason, FAILED with the error) and a summary, and exits 0 when nothing failed
 * (skipped tests, as on a machine without a GPU, do not fail).
 *
 * <pre>{@code
 * java -cp 'bundle/lib/*' dev.finetune.peft.gpu.GpuTestMain
 * }</pre>
 */
public final class GpuTestMain {

  private GpuTestMain() {}

  /**
   * Runs the group.
   *
   * @param args none
   */
  public static void main(String[] args) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(GpuTest.class))
        .filters(TagFilter.includeTags("gpu"))
        .build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    PrintWriter out = new PrintWriter(System.out, true);
    TestExecutionListener lines = new TestExecutionListener() {
      @Override
      public void executionSkipped(TestIdentifier test, String reason) {
        out.println("GPUTEST SKIPPED " + test.getDisplayName() + ": " + reason);
      }

      @Override
      public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (test.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
          out.println("GPUTEST " + result.getStatus() + " " + test.getDisplayName()
              + result.getThrowable().map(t -> ": " + t).orElse(""));
        }
      }
    };
    launcher.execute(request, summary, lines);
    TestExecutionSummary result = summary.getSummary();
    result.printTo(out);
    result.printFailuresTo(out, 40);
    System.exit(result.getTotalFailureCount() == 0 ? 0 : 1);
  }
}
