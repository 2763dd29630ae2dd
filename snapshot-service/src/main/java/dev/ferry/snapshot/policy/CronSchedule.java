package dev.ferry.snapshot.policy;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A standard 5-field Unix cron expression (minute, hour, day of month, month, day of week),
 * evaluated in UTC, as a BackupPolicy's {@code spec.schedule} states it. Parsed with cron-utils'
 * Unix definition, the one Quarkus' scheduler brings along.
 */
public final class CronSchedule {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ExecutionTime executionTime;

    private CronSchedule(String expression, ExecutionTime executionTime) {
        this.expression = expression;
        this.executionTime = executionTime;
    }

    /**
     * Parses a cron expression.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static CronSchedule parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("schedule must be a cron expression such as \"0 2 * * *\"");
        }
        String trimmed = expression.trim().replaceAll("\\s+", " ");
        int fields = trimmed.split(" ").length;
        if (fields != 5) {
            throw new IllegalArgumentException("schedule '" + expression + "' has " + fields
                    + " fields; a Unix cron expression has 5: minute hour day-of-month month day-of-week");
        }
        Cron cron;
        try {
            cron = PARSER.parse(trimmed).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schedule '" + expression + "' is not a valid cron expression: " + e.getMessage());
        }
        ExecutionTime executionTime = ExecutionTime.forCron(cron);
        // An expression that can never fire (e.g. 30 February) is as useless as a malformed one.
        if (executionTime.nextExecution(ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)).isEmpty()) {
            throw new IllegalArgumentException("schedule '" + expression + "' never fires");
        }
        return new CronSchedule(trimmed, executionTime);
    }

    public String expression() {
        return expression;
    }

    /** The newest fire time at or before {@code at}, if the schedule ever fired before it. */
    public Optional<Instant> lastFireAtOrBefore(Instant at) {
        ZonedDateTime minute = at.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        if (executionTime.isMatch(minute)) {
            return Optional.of(minute.toInstant());
        }
        return executionTime.lastExecution(minute).map(ZonedDateTime::toInstant);
    }

    /** The first fire time after {@code at}. */
    public Optional<Instant> nextFireAfter(Instant at) {
        return executionTime.nextExecution(at.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toInstant);
    }

    @Override
    public String toString() {
        return expression;
    }
}
