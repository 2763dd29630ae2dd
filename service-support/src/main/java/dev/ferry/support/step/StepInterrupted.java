package dev.ferry.support.step;

/** The worker was interrupted (the service is stopping) while a step waited to try again: leave its record for redelivery. */
public final class StepInterrupted extends RuntimeException {

    public StepInterrupted() {
        super("interrupted while waiting to retry");
    }
}
