package dev.finetune.schedules.unfreeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.schedules.Bert;
import dev.finetune.schedules.ParameterAddress;
import dev.finetune.schedules.ParameterRole;
import dev.finetune.schedules.ParameterSelector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnfreezingTest {

  private static final int L = 3;

  @Test
  void gradualUnfreezesOneGroupPerEpochFromTheTop() {
    UnfreezeSchedule u = Unfreezing.gradual(Pace.perEpoch());
    assertThat(u.trainableGroups(L, 0, 0)).containsExactly("head");
    assertThat(u.trainableGroups(L, 1, 999)).containsExactly("head", "layer.2");
    assertThat(u.trainableGroups(L, 3, 0)).containsExactly("head", "layer.2", "layer.1", "layer.0");
    assertThat(u.trainableGroups(L, 4, 0))
        .containsExactly("head", "layer.2", "layer.1", "layer.0", "embeddings");
    assertThat(u.trainableGroups(L, 40, 0)).hasSize(L + 2);
    List<ParameterAddress> bert = Bert.addresses(L);
    assertThat(u.trainable(bert, 1, 0))
        .allMatch(a -> a.isHead() || a.layer() == 2).hasSize(3 + 7);
  }

  @Test
  void gradualEveryNStepsAndWithSeveralInitialGroups() {
    UnfreezeSchedule u = Unfreezing.gradual(Pace.everySteps(100), 2);
    assertThat(u.trainableGroups(L, 5, 99)).containsExactly("head", "layer.2");
    assertThat(u.trainableGroups(L, 0, 100)).containsExactly("head", "layer.2", "layer.1");
    assertThat(Unfreezing.gradual(Pace.everyEpochs(2)).trainableGroups(L, 3, 0))
        .containsExactly("head", "layer.2");
  }

  @Test
  void freezeUntilStepHoldsTheSelectionFrozen() {
    UnfreezeSchedule u = Unfreezing.freezeUntilStep(ParameterSelector.head().negate(), 500);
    assertThat(u.trainableGroups(L, 3, 499)).containsExactly("head");
    assertThat(u.trainableGroups(L, 0, 500)).hasSize(L + 2);
  }

  @Test
  void chainThawTrainsHeadThenEachGroupAloneFromTheBottomThenAll() {
    UnfreezeSchedule u = Unfreezing.chainThaw(Pace.perEpoch());
    List<List<String>> stages = new ArrayList<>();
    for (int e = 0; e < L + 4; e++) {
      stages.add(u.trainableGroups(L, e, 0));
    }
    assertThat(stages).containsExactly(
        List.of("head"), List.of("embeddings"), List.of("layer.0"), List.of("layer.1"),
        List.of("layer.2"), List.of("head", "layer.2", "layer.1", "layer.0", "embeddings"),
        List.of("head", "layer.2", "layer.1", "layer.0", "embeddings"));
  }

  @Test
  void combinators() {
    ParameterAddress adapter =
        new ParameterAddress("encoder.layer.0.output.adapter.down.weight", 0, ParameterRole.PEFT);
    ParameterAddress query =
        new ParameterAddress("encoder.layer.0.attention.self.query.weight", 0, ParameterRole.ATTENTION);
    ParameterSelector peft = ParameterSelector.role(ParameterRole.PEFT);
    UnfreezeSchedule always = Unfreezing.gradual(Pace.perEpoch()).alwaysTraining(peft);
    assertThat(always.isTrainable(adapter, L, 0, 0)).isTrue();
    assertThat(always.isTrainable(query, L, 0, 0)).isFalse();
    UnfreezeSchedule within = Unfreezing.gradual(Pace.perEpoch()).within(peft.or(ParameterSelector.head()));
    assertThat(within.isTrainable(adapter, L, 3, 0)).isTrue();
    assertThat(within.isTrainable(query, L, 3, 0)).isFalse();
    assertThat(within.isTrainable(adapter, L, 2, 0)).isFalse();
    assertThat(Unfreezing.none().trainableGroups(L, 0, 0)).hasSize(L + 2);
  }

  @Test
  void badArguments() {
    assertThatThrownBy(() -> Pace.everySteps(0)).hasMessageContaining("every=0 steps is out of range");
    assertThatThrownBy(() -> Unfreezing.gradual(Pace.perEpoch(), 0)).hasMessageContaining("initialGroups=0");
    assertThatThrownBy(() -> Unfreezing.freezeUntilStep(ParameterSelector.all(), -1))
        .hasMessageContaining("untilStep=-1");
    assertThatThrownBy(() -> Pace.perEpoch().stage(-1, 0)).hasMessageContaining("epoch=-1");
  }
}
