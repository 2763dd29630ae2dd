package dev.ferry.localcloud.kafka;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A SCRAM-SHA-512 login on the broker's client listener: a user name and its password, and the client settings that
 * use it. The password never shows in {@link #toString()}; Kafka's clients print {@code sasl.jaas.config} as
 * {@code [hidden]}.
 */
public record KafkaLogin(String username, String password) {

    /** The SASL mechanism of the client listener, the one Strimzi's {@code scram-sha-512} authentication uses. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    // Kafka's SCRAM user names and the JAAS string's quoting both stay simple with these.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public KafkaLogin {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (!NAME.matcher(username).matches()) {
            throw new IllegalArgumentException("A Kafka user name is letters, digits, '.', '_' or '-' (at most 64): " + username);
        }
        if (password.length() < 16 || password.contains("\"") || password.contains("\\")) {
            throw new IllegalArgumentException("A Kafka password has at least 16 characters and no quote or backslash");
        }
    }

    /** A login for {@code username} with a fresh random password (32 bytes, base64url). */
    public static KafkaLogin generate(String username) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new KafkaLogin(username, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** The JAAS line a Kafka client logs in with, as Strimzi's User Operator writes it into the user's Secret. */
    public String jaasConfig() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + username
                + "\" password=\"" + password + "\";";
    }

    /** The client settings of this login (without the bootstrap servers), under Kafka's own keys. */
    public Map<String, String> clientSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", MECHANISM);
        settings.put("sasl.jaas.config", jaasConfig());
        return settings;
    }

    /** The same settings under Quarkus' {@code kafka.} prefix, which SmallRye hands to every channel's client. */
    public Map<String, String> quarkusSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        clientSettings().forEach((key, value) -> settings.put("kafka." + key, value));
        return settings;
    }

    @Override
    public String toString() {
        return "KafkaLogin[" + username + ", password hidden]";
    }
}
