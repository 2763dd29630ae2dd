package dev.ferry.restore.drill;

import dev.ferry.support.api.Refused;
import java.util.List;

/** A drill that cannot start as asked; nothing was created for it. Refusals of its restore are {@code RestoreRefused}. */
public final class DrillRefused extends Refused {

    /** Why, in terms of a REST answer. */
    public enum Reason implements Refused.Reason {
        INVALID_REQUEST,
        DRILL_NOT_FOUND,
        /** A drill of the application is running, or the cleanup of its last one has not finished. */
        DRILL_RUNNING;

        @Override
        public int status() {
            return switch (this) {
                case INVALID_REQUEST -> 400;
                case DRILL_NOT_FOUND -> 404;
                case DRILL_RUNNING -> 409;
            };
        }

        @Override
        public String title() {
            return switch (this) {
                case INVALID_REQUEST -> "The drill request is invalid";
                case DRILL_NOT_FOUND -> "The drill is not known";
                case DRILL_RUNNING -> "A drill of this application is running";
            };
        }
    }

    public DrillRefused(Reason reason, String message, List<String> details) {
        super(reason, message, details);
    }

    public DrillRefused(Reason reason, String message) {
        this(reason, message, List.of());
    }
}
