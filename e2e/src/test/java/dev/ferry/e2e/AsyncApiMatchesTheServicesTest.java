package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The AsyncAPI document (common-events) says what each service's own configuration declares: the topics a service
 * receives are exactly its incoming channels' topics, and the dead-letter topics it sends to are exactly its
 * channels' dead-letter topics.
 */
class AsyncApiMatchesTheServicesTest {

    private static final Pattern INCOMING = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.(topic|dead-letter-queue\\.topic)");

    @ParameterizedTest
    @ValueSource(strings = {"snapshot-service", "export-service", "import-service", "restore-service"})
    void theDocumentsOperationsOfAServiceAreItsChannels(String service) throws IOException {
        Properties config = new Properties();
        try (Reader in = Files.newBufferedReader(Layout.find().root().resolve(service)
                .resolve("src/main/resources/application.properties"))) {
            config.load(in);
        }
        Set<String> received = new HashSet<>();
        Set<String> deadLettered = new HashSet<>();
        for (String key : config.stringPropertyNames()) {
            Matcher m = INCOMING.matcher(key);
            if (m.matches()) {
                (m.group(2).equals("topic") ? received : deadLettered).add(config.getProperty(key).trim());
            }
        }
        assertThat(received).isNotEmpty();

        assertThat(addresses(service, "receive")).as("%s receives", service).containsExactlyInAnyOrderElementsOf(received);
        assertThat(addresses(service, "send")).as("%s sends", service).filteredOn(topic -> topic.endsWith(".dlq"))
                .containsExactlyInAnyOrderElementsOf(deadLettered);
    }

    private static Set<String> addresses(String service, String action) {
        return AsyncApiOperations.topics(service, action);
    }
}
