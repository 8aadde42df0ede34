package dev.finetune.core.train.callbacks;

import dev.finetune.schedules.ParameterSelector;
import dev.finetune.schedules.unfreeze.Pace;
import dev.finetune.schedules.unfreeze.UnfreezeSchedule;
import java.nio.file.Path;

/**
 * One place to find every built-in callback. Each factory returns the same object as the class's
 * own factory; import this class alone (or its members statically) to write a chain:
 *
 * <pre>{@code
 * import static dev.finetune.core.train.callbacks.Callbacks.*;
 *
 * FineTune.of(model)
 *     .callbacks(gradualUnfreezing().perEpoch(), swa(0.25).lr(1e-5),
 *                earlyStopping("accuracy").patience(2), bestCheckpoint("accuracy", dir))
 *     .fit(train, dev);
 * }</pre>
 */
public final class Callbacks {

  private Callbacks() {}

  /** @param selector what to freeze @return {@link Freezing#freeze(ParameterSelector)} */
  public static Freezing.When freeze(ParameterSelector selector) {
    return Freezing.freeze(selector);
  }

  /** @param selector what to unfreeze @return {@link Freezing#unfreeze(ParameterSelector)} */
  public static Freezing.When unfreeze(ParameterSelector selector) {
    return Freezing.unfreeze(selector);
  }

  /** @return ULMFiT gradual unfreezing, to be given a pace: {@code .perEpoch()}, {@code .everySteps(n)} */
  public static GradualUnfreezing.Gradual gradualUnfreezing() {
    return GradualUnfreezing.gradual();
  }

  /** @param pace stage length @return chain-thaw, {@link GradualUnfreezing#chainThaw(Pace)} */
  public static GradualUnfreezing chainThaw(Pace pace) {
    return GradualUnfreezing.chainThaw(pace);
  }

  /** @param schedule any unfreeze schedule @return {@link GradualUnfreezing#following(UnfreezeSchedule)} */
  public static GradualUnfreezing unfreezing(UnfreezeSchedule schedule) {
    return GradualUnfreezing.following(schedule);
  }

  /** @param n layers from the top @return {@link ReinitTopLayers#of(int)} */
  public static ReinitTopLayers reinitTopLayers(int n) {
    return ReinitTopLayers.of(n);
  }

  /** @param lastFraction e.g. 0.25 @return {@link Swa#lastFraction(double)} */
  public static Swa swa(double lastFraction) {
    return Swa.lastFraction(lastFraction);
  }

  /** @param epoch 0-based first epoch of the SWA phase @return {@link Swa#fromEpoch(int)} */
  public static Swa swaFromEpoch(int epoch) {
    return Swa.fromEpoch(epoch);
  }

  /** @param decay e.g. 0.999 @return {@link Ema#decay(double)} */
  public static Ema ema(double decay) {
    return Ema.decay(decay);
  }

  /** @param metric e.g. {@code accuracy} @return {@link EarlyStopping#on(String)} */
  public static EarlyStopping earlyStopping(String metric) {
    return EarlyStopping.on(metric);
  }

  /**
   * @param metric e.g. {@code accuracy}
   * @param dir the folder of the best model
   * @return {@code BestCheckpoint.on(metric).saveTo(dir)}
   */
  public static BestCheckpoint bestCheckpoint(String metric, Path dir) {
    return BestCheckpoint.on(metric).saveTo(dir);
  }
}
