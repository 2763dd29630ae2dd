package dev.ferry.localcloud.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What Strimzi's User Operator does with a {@code KafkaUser} resource, done against a {@link KafkaBroker} through the
 * Admin API: a SCRAM-SHA-512 credential with a fresh password for the user named by the resource, and the
 * {@code simple} authorization's ACLs for {@code User:<name>}. The login is returned as the operator would write it
 * into the user's Secret. Read from Strimzi's documented KafkaUser schema (v1beta2: {@code spec.authentication},
 * {@code spec.authorization.acls[]} with {@code resource.type/name/patternType}, {@code operations}, {@code host},
 * {@code type}); whatever this stand-in does not model is refused, never ignored.
 */
public final class KafkaUserOperator {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    // The broker learns credentials and ACLs from the metadata log a moment after the controller accepts them.
    private static final Duration PROPAGATION_TIMEOUT = Duration.ofSeconds(20);
    private static final int SCRAM_ITERATIONS = 4096;

    private final Properties adminSettings;

    /** @param adminClientSettings a super user's client settings, e.g. {@link KafkaBroker#adminClientSettings()} */
    public KafkaUserOperator(Properties adminClientSettings) {
        this.adminSettings = new Properties();
        this.adminSettings.putAll(adminClientSettings);
    }

    /** The KafkaUser resources of a manifest file (one or more YAML documents; other kinds are skipped). */
    public static List<JsonNode> kafkaUsers(Path manifest) {
        List<JsonNode> users = new ArrayList<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (var documents = yaml.readerFor(JsonNode.class).<JsonNode>readValues(manifest.toFile())) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && "KafkaUser".equals(document.path("kind").asText())) {
                    users.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + manifest, e);
        }
        return users;
    }

    /**
     * Makes (or remakes) the user of one KafkaUser resource: a new password, and exactly the resource's ACLs. Returns
     * once the broker accepts the login and enforces the ACLs.
     */
    public KafkaLogin apply(JsonNode kafkaUser) {
        if (!"KafkaUser".equals(kafkaUser.path("kind").asText())) {
            throw new IllegalArgumentException("Not a KafkaUser: " + kafkaUser.path("kind").asText());
        }
        String name = kafkaUser.path("metadata").path("name").asText();
        JsonNode spec = kafkaUser.path("spec");
        String authentication = spec.path("authentication").path("type").asText();
        if (!authentication.equals("scram-sha-512")) {
            throw new IllegalArgumentException("KafkaUser " + name + ": only scram-sha-512 authentication is modelled, not '"
                    + authentication + "'");
        }
        String principal = "User:" + name;
        List<AclBinding> acls = acls(name, principal, spec.path("authorization"));
        KafkaLogin login = KafkaLogin.generate(name);
        try (Admin admin = Admin.create(adminSettings)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), login.password())))
                    .all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            AclBindingFilter ofPrincipal = new AclBindingFilter(ResourcePatternFilter.ANY,
                    new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
            admin.deleteAcls(List.of(ofPrincipal)).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!acls.isEmpty()) {
                admin.createAcls(acls).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            awaitAcls(admin, ofPrincipal, acls.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while making Kafka user " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not make Kafka user " + name + ": " + e.getMessage(), e);
        }
        awaitLogin(login);
        return login;
    }

    private static List<AclBinding> acls(String user, String principal, JsonNode authorization) {
        if (authorization.isMissingNode() || authorization.isNull()) {
            return List.of();
        }
        String type = authorization.path("type").asText();
        if (!type.equals("simple")) {
            throw new IllegalArgumentException("KafkaUser " + user + ": only simple authorization is modelled, not '" + type + "'");
        }
        List<AclBinding> bindings = new ArrayList<>();
        for (JsonNode rule : authorization.path("acls")) {
            JsonNode resource = rule.path("resource");
            ResourceType resourceType = switch (resource.path("type").asText()) {
                case "topic" -> ResourceType.TOPIC;
                case "group" -> ResourceType.GROUP;
                case "cluster" -> ResourceType.CLUSTER;
                case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                default -> throw new IllegalArgumentException("KafkaUser " + user + ": unknown ACL resource type '"
                        + resource.path("type").asText() + "'");
            };
            String resourceName = resourceType == ResourceType.CLUSTER ? "kafka-cluster" : resource.path("name").asText();
            if (resourceName.isEmpty()) {
                throw new IllegalArgumentException("KafkaUser " + user + ": an ACL on a " + resource.path("type").asText() + " names none");
            }
            PatternType pattern = switch (resource.path("patternType").asText("literal")) {
                case "literal" -> PatternType.LITERAL;
                case "prefix" -> PatternType.PREFIXED;
                default -> throw new IllegalArgumentException("KafkaUser " + user + ": unknown patternType '"
                        + resource.path("patternType").asText() + "'");
            };
            AclPermissionType permission = switch (rule.path("type").asText("allow")) {
                case "allow" -> AclPermissionType.ALLOW;
                case "deny" -> AclPermissionType.DENY;
                default -> throw new IllegalArgumentException("KafkaUser " + user + ": unknown ACL type '" + rule.path("type").asText() + "'");
            };
            String host = rule.path("host").asText("*");
            List<String> operations = new ArrayList<>();
            rule.path("operations").forEach(operation -> operations.add(operation.asText()));
            if (rule.has("operation")) {
                operations.add(rule.path("operation").asText());
            }
            if (operations.isEmpty()) {
                throw new IllegalArgumentException("KafkaUser " + user + ": an ACL on " + resourceName + " names no operation");
            }
            for (String operation : operations) {
                bindings.add(new AclBinding(new ResourcePattern(resourceType, resourceName, pattern),
                        new AccessControlEntry(principal, host, operation(user, operation), permission)));
            }
        }
        return bindings;
    }

    // Strimzi's operation names are Kafka's in PascalCase: Read, Write, Describe, IdempotentWrite, ...
    private static AclOperation operation(String user, String name) {
        String kafkaName = name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        AclOperation operation = AclOperation.fromString(kafkaName);
        if (operation == AclOperation.UNKNOWN || operation == AclOperation.ANY) {
            throw new IllegalArgumentException("KafkaUser " + user + ": unknown ACL operation '" + name + "'");
        }
        return operation;
    }

    private static void awaitAcls(Admin admin, AclBindingFilter filter, int expected)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + PROPAGATION_TIMEOUT.toNanos();
        while (admin.describeAcls(filter).values().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size() != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("the broker did not show " + expected + " ACLs within " + PROPAGATION_TIMEOUT);
            }
            Thread.sleep(50);
        }
    }

    private void awaitLogin(KafkaLogin login) {
        Properties settings = new Properties();
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, adminSettings.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        settings.putAll(login.clientSettings());
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        long deadline = System.nanoTime() + PROPAGATION_TIMEOUT.toNanos();
        while (true) {
            // Listing topics needs no right beyond a login: the answer is filtered to what the user may describe.
            try (Admin asUser = Admin.create(settings)) {
                asUser.listTopics().names().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("The broker did not accept the new login of " + login.username()
                            + " within " + PROPAGATION_TIMEOUT + ": " + e.getMessage(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the login of " + login.username(), e);
            }
        }
    }
}
