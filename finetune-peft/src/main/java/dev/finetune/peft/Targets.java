package dev.finetune.peft;

import dev.finetune.core.model.EncoderBlock;
import dev.finetune.core.model.Projection;
import dev.finetune.core.model.SequenceClassifier;
import java.util.ArrayList;
import java.util.List;

/** The projections a method may wrap: every encoder layer's six, then the pooler. */
final class Targets {

  private Targets() {}

  static List<Projection> projections(SequenceClassifier model) {
    List<Projection> out = new ArrayList<>();
    for (EncoderBlock layer : model.encoder().layers()) {
      out.addAll(layer.projections());
    }
    model.head().pooler().ifPresent(out::add);
    return out;
  }
}
