package dev.finetune.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.core.metrics.Entities.Entity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Entity decoding and scores, hand-worked with seqeval's default-mode (conlleval) rules. */
class EntityMetricsTest {

  private static List<Entity> entities(String tags) {
    return Entities.of(List.of(tags.split(" ")));
  }

  @Test
  void iob1AndIob2EdgeCasesDecodeAsConlleval() {
    // an I- that starts an entity (IOB1), running to the end
    assertThat(entities("I-PER I-PER O I-LOC"))
        .containsExactly(new Entity("PER", 0, 2), new Entity("LOC", 3, 4));
    // adjacent entities of the same type
    assertThat(entities("B-PER B-PER")).containsExactly(new Entity("PER", 0, 1), new Entity("PER", 1, 2));
    assertThat(entities("I-PER B-PER I-PER"))
        .containsExactly(new Entity("PER", 0, 1), new Entity("PER", 1, 3));
    // a type change inside I- tags ends one entity and starts another
    assertThat(entities("I-PER I-LOC")).containsExactly(new Entity("PER", 0, 1), new Entity("LOC", 1, 2));
    assertThat(entities("B-PER I-LOC I-LOC"))
        .containsExactly(new Entity("PER", 0, 1), new Entity("LOC", 1, 3));
    // CoNLL-2003's quirk: B-MISC after O starts one entity
    assertThat(entities("O B-MISC I-MISC O")).containsExactly(new Entity("MISC", 1, 3));
    assertThat(entities("O I-MISC B-MISC"))
        .containsExactly(new Entity("MISC", 1, 2), new Entity("MISC", 2, 3));
    // entity running to the end of the sentence
    assertThat(entities("O B-LOC I-LOC")).containsExactly(new Entity("LOC", 1, 3));
    assertThat(entities("O O")).isEmpty();
  }

  @Test
  void iobesAndBareTagsFollowSeqeval() {
    assertThat(entities("S-PER B-LOC E-LOC E-LOC"))
        .containsExactly(new Entity("PER", 0, 1), new Entity("LOC", 1, 3), new Entity("LOC", 3, 4));
    assertThat(entities("B I O")).containsExactly(new Entity("_", 0, 2));
  }

  @Test
  void malformedTagNamesItsPosition() {
    assertThatThrownBy(() -> entities("O PER"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'PER' at position 1");
  }

  @Test
  void seqevalDocstringExample() {
    EntityMetrics.Result result =
        EntityMetrics.score(
            List.of(
                List.of("O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"),
                List.of("B-PER", "I-PER", "O")),
            List.of(
                List.of("O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"),
                List.of("B-PER", "I-PER", "O")));
    assertThat(result.precision()).isEqualTo(0.5);
    assertThat(result.recall()).isEqualTo(0.5);
    assertThat(result.f1()).isEqualTo(0.5);
    assertThat(result.accuracy()).isEqualTo(0.8);
    assertThat(result.perType().keySet()).containsExactly("MISC", "PER");
    assertThat(result.perType().get("MISC"))
        .isEqualTo(new EntityMetrics.Scores(0, 0, 0, 1, 1, 0));
    assertThat(result.perType().get("PER")).isEqualTo(new EntityMetrics.Scores(1, 1, 1, 1, 1, 1));
    assertThat(result.sentences()).isEqualTo(2);
    assertThat(result.tokens()).isEqualTo(10);
  }

  @Test
  void schemesScoreByEntitiesNotStrings() {
    EntityMetrics metrics = new EntityMetrics();
    metrics.add(List.of("I-PER", "I-PER", "O", "I-LOC"), List.of("B-PER", "I-PER", "O", "B-LOC"));
    EntityMetrics.Result result = metrics.result();
    assertThat(result.f1()).isEqualTo(1.0);
    assertThat(result.accuracy()).isEqualTo(0.5);
  }

  @Test
  void adjacentSameTypeEntitiesMustBeSplitToMatch() {
    List<String> gold = List.of("B-PER", "I-PER", "B-PER");
    assertThat(EntityMetrics.score(List.of(gold), List.of(List.of("B-PER", "I-PER", "I-PER"))).f1())
        .isZero();
    assertThat(EntityMetrics.score(List.of(gold), List.of(List.of("I-PER", "I-PER", "B-PER"))).f1())
        .isEqualTo(1.0);
  }

  @Test
  void microAndPerTypeHandWorked() {
    EntityMetrics.Result result =
        EntityMetrics.score(
            List.of(List.of("B-PER", "I-PER", "O", "B-LOC", "O", "B-ORG"), List.of("O", "O")),
            List.of(List.of("B-PER", "I-PER", "O", "B-LOC", "I-LOC", "B-ORG"), List.of("B-MISC", "O")));
    // gold PER, LOC(3..4), ORG; predicted PER, LOC(3..5), ORG, MISC: 2 correct of 4 predicted, 3 gold
    assertThat(result.precision()).isEqualTo(0.5);
    assertThat(result.recall()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(result.f1()).isCloseTo(4.0 / 7, within(1e-12));
    // MISC was only predicted: a row with support 0, as seqeval 1.x's report
    assertThat(result.perType().keySet()).containsExactly("LOC", "MISC", "ORG", "PER");
    assertThat(result.perType().get("MISC")).isEqualTo(new EntityMetrics.Scores(0, 0, 0, 0, 1, 0));
    assertThat(result.perType().get("LOC").f1()).isZero();
    assertThat(result.perType().get("LOC").predicted()).isEqualTo(1);
    assertThat(result.accuracy()).isEqualTo(6.0 / 8);
  }

  @Test
  void emptyDenominatorsGiveZeroAndLengthsMustAgree() {
    EntityMetrics.Result none = EntityMetrics.score(List.of(List.of("O")), List.of(List.of("O")));
    assertThat(none.f1()).isZero();
    assertThat(none.accuracy()).isEqualTo(1.0);
    assertThatThrownBy(() -> new EntityMetrics().add(List.of("O", "O"), List.of("O")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 gold tags but 1 predicted");
  }
}
