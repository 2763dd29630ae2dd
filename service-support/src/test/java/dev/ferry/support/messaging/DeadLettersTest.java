package dev.ferry.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.events.cloudevents.CloudEventAttributes;
import dev.ferry.events.validation.InvalidEventException;
import dev.ferry.events.validation.Violation;
import dev.ferry.support.messaging.DeadLetters.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

    @Test
    void aPayloadThatBreaksTheContractIsAnInvalidEvent() {
        InvalidEventException e = new InvalidEventException("ferry.restore.requested.v1",
                List.of(new Violation("restoreId", "is required")));

        assertThat(Reason.of(e)).isEqualTo(Reason.INVALID_EVENT);
        assertThat(Reason.of(e).code()).isEqualTo("invalid-event");
    }

    @Test
    void aCeTypeOfAnotherTypeIsTheWrongType() {
        InvalidEventException e = new InvalidEventException("ferry.snapshot.taken.v1",
                List.of(new Violation(CloudEventAttributes.HEADER_TYPE, "must be ferry.snapshot.taken.v1 but is x")));

        assertThat(Reason.of(e).code()).isEqualTo("wrong-type");
    }

    @Test
    void anyOtherFailureIsAStepError() {
        assertThat(Reason.of(new IllegalStateException("boom")).code()).isEqualTo("step-error");
    }
}
