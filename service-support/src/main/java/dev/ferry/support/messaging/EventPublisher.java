package dev.ferry.support.messaging;

import dev.ferry.events.FerryEvent;

/**
 * Where a service's domain code hands its events: each goes to its event type's topic, and the call
 * returns once the broker has it, so a state change is never fired and forgotten.
 */
public interface EventPublisher {

    /**
     * Sends an event and waits for the broker's acknowledgement.
     *
     * @throws dev.ferry.events.validation.InvalidEventException if the event breaks the contract (nothing is sent)
     * @throws RuntimeException if the broker does not acknowledge it in time
     */
    void publish(FerryEvent event);
}
