package dev.finetune.schedules.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finetune.schedules.LrSchedule;
import dev.finetune.schedules.Schedules;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target: a schedule spec ({@code OneCycleLR(max_lr=1e-4)}) as a user types it on a command
 * line or in a grid file, parsed by {@code Schedules.parse} and, when it parses, asked for its LR
 * at a few steps. Only {@link IllegalArgumentException} (naming the argument and the allowed
 * range) is accepted, and from {@code lr} also {@link IllegalStateException} (a schedule that
 * cannot run 100 steps, as the training loop checks); any other exception or a hang is a finding. Seeds: {@code
 * ScheduleSpecFuzzTestInputs/scheduleSpec/} (replayed by every {@code mvn verify}); fuzzing:
 * {@code .ci/fuzz} (docs/RELIABILITY.md).
 */
class ScheduleSpecFuzzTest {

  @FuzzTest(maxDuration = "15s")
  @Timeout(60) // seconds per input (the first also starts the engine): a longer one is a hang
  void scheduleSpec(byte[] data) {
    try {
      LrSchedule schedule = Schedules.parse(new String(data, StandardCharsets.UTF_8));
      for (long step : new long[] {0, 1, 50, 99}) {
        double lr = schedule.lr(step, 100);
        if (Double.isNaN(lr)) {
          throw new AssertionError("lr NaN at step " + step + " of " + schedule);
        }
      }
    } catch (IllegalArgumentException expected) {
      // the documented failure of the parser, and of lr() for a schedule that cannot run 100 steps
    } catch (IllegalStateException tooShort) {
      // lr()'s other documented failure: e.g. a warm-up under one step
    }
  }
}
