package dev.finetune.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StepFlopsTest {

  @Test
  void fullFineTuningOfMiniLmIsThreeForwardsOfAbout92Gflop() {
    double forward = StepFlops.forward(ModelShape.MINILM, BenchMethod.FULL, 32, 128);
    // dense: 2 · 4096 · 6 · (4·384² + 2·384·1536) = 86.97e9; attention: 6 · 4 · 32 · 128² · 384
    // = 4.83e9; head: 2 · 32 · 384 · 2
    assertThat(forward).isCloseTo(86_973_087_744.0 + 4_831_838_208.0 + 49_152, within(1.0));
    assertThat(StepFlops.perStep(ModelShape.MINILM, BenchMethod.FULL, 32, 128))
        .isCloseTo(3 * forward, within(1.0));
    assertThat(StepFlops.perStep(ModelShape.MINILM, BenchMethod.FULL, 32, 128) / 1e9)
        .isCloseTo(275.4, within(0.1));
  }

  @Test
  void frozenBaseSkipsTheBaseWeightGradients() {
    double dense = 86_973_087_744.0;
    double attention = 4_831_838_208.0;
    double head = 49_152;
    double bitFit = StepFlops.perStep(ModelShape.MINILM, BenchMethod.BITFIT, 32, 128);
    assertThat(bitFit).isCloseTo(2 * dense + 3 * attention + 3 * head, within(1.0));
    double lora = StepFlops.perStep(ModelShape.MINILM, BenchMethod.LORA, 32, 128);
    double loraForward = 6 * 2 * 2 * 4096.0 * 8 * (384 + 384);
    assertThat(lora - bitFit).isCloseTo(3 * loraForward, within(1.0));
    double houlsby = StepFlops.perStep(ModelShape.MINILM, BenchMethod.HOULSBY, 32, 128);
    double adapterForward = 6 * 2 * 4 * 4096.0 * 384 * 24;
    assertThat(houlsby - bitFit).isCloseTo(3 * adapterForward, within(1.0));
    assertThat(lora).isLessThan(StepFlops.perStep(ModelShape.MINILM, BenchMethod.FULL, 32, 128));
  }

  @Test
  void promptTuningRunsTheSoftTokensThroughEveryLayer() {
    double prompt = StepFlops.perStep(ModelShape.SMALL, BenchMethod.PROMPT, 8, 32);
    double asLonger = StepFlops.perStep(ModelShape.SMALL, BenchMethod.BITFIT, 8, 52);
    assertThat(prompt).isCloseTo(asLonger, within(1.0));
  }

  @Test
  void prefixTuningLengthensOnlyTheKeysOfAttention() {
    // MiniLM 32 x 128, 20 prefixes: dense 2*4096*6*(4*384^2 + 2*384*1536) = 86,973,087,744;
    // attention 6*4*32*128*148*384 = 5,586,812,928; head 2*32*384*2 = 49,152; frozen base:
    // dense twice (forward, dX), attention and head three times
    assertThat(StepFlops.perStep(ModelShape.MINILM, BenchMethod.PREFIX, 32, 128))
        .isCloseTo(2 * 86_973_087_744.0 + 3 * 5_586_812_928.0 + 3 * 49_152.0, within(1.0));
  }

  @Test
  void rejectsEmptyBatches() {
    assertThatThrownBy(() -> StepFlops.perStep(ModelShape.SMALL, BenchMethod.FULL, 0, 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch 0");
  }

  @Test
  void namesParseIgnoringCaseAndUnknownOnesListTheChoices() {
    assertThat(BenchMethod.parse("LoRA")).isEqualTo(BenchMethod.LORA);
    assertThat(ModelShape.parse("MiniLM")).isEqualTo(ModelShape.MINILM);
    assertThat(ModelShape.parse("bert-base")).isEqualTo(ModelShape.BERT_BASE);
    assertThat(ModelShape.BERT_BASE.id()).isEqualTo("bert-base");
    assertThatThrownBy(() -> BenchMethod.parse("ia3"))
        .hasMessageContaining("full, lora, houlsby, bitfit, prompt or prefix");
    assertThatThrownBy(() -> ModelShape.parse("base")).hasMessageContaining("minilm, bert-base or small");
  }
}
