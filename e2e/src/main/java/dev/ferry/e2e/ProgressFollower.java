package dev.ferry.e2e;

import dev.ferry.events.Topics;
import dev.ferry.events.TransferProgressed;
import dev.ferry.events.json.EventJson;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code ferry.transfer.progressed} for one backup while it runs, so the run can show bytes
 * moved during a copy, not only when it ends: one line per volume at most every two seconds.
 */
final class ProgressFollower implements AutoCloseable {

    private static final long PRINT_EVERY_NANOS = Duration.ofSeconds(2).toNanos();

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    /** @param clientSettings the broker's address and a login, e.g. {@link FerryStack#kafkaClientSettings()} */
    ProgressFollower(Properties clientSettings, String backupId, Consumer<String> progress) {
        Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "local-dr-run-progress-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.TRANSFER_PROGRESSED));
        Map<String, Long> printedAt = new HashMap<>();
        String marker = "\"" + backupId + "\"";
        thread = new Thread(() -> {
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.value() == null || !new String(record.value(), java.nio.charset.StandardCharsets.UTF_8).contains(marker)) {
                            continue;
                        }
                        TransferProgressed event;
                        try {
                            event = EventJson.read(record.value(), TransferProgressed.class);
                        } catch (RuntimeException unreadable) {
                            continue;
                        }
                        long now = System.nanoTime();
                        Long last = printedAt.get(event.pvcName());
                        if (last == null || now - last >= PRINT_EVERY_NANOS || event.bytesDone() == event.bytesTotal()) {
                            printedAt.put(event.pvcName(), now);
                            progress.accept(String.format("  %-14s %-12s %s of %s (%s)", event.pvcName(), "MOVING",
                                    DrScenario.mib(event.bytesDone()), DrScenario.mib(event.bytesTotal()), event.engine()));
                        }
                    }
                }
            } catch (WakeupException stopping) {
                // close() woke the poll up
            } finally {
                consumer.close(Duration.ofSeconds(2));
            }
        }, "progress-follower");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
