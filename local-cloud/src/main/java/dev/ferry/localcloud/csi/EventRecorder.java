package dev.ferry.localcloud.csi;

import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.zip.CRC32;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Writes core/v1 Events about claims and snapshots, as the provisioner and the snapshot controller do, so that
 * {@code kubectl describe} and tests see why something waits.
 */
final class EventRecorder {

    static final String WARNING = "Warning";
    static final String NORMAL = "Normal";

    private final KubernetesClient client;
    private final String component;

    EventRecorder(KubernetesClient client, String component) {
        this.client = client;
        this.component = component;
    }

    /**
     * Records an event once: the name derives from the object, reason and message, so the retries of a controller
     * that keeps failing the same way do not pile up events (the API server would bump a count instead).
     */
    void record(HasMetadata about, String type, String reason, String message) {
        String namespace = about.getMetadata().getNamespace() == null ? "default" : about.getMetadata().getNamespace();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String timestamp = now.toString();
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(about.getMetadata().getName() + "." + fingerprint(about, reason, message))
                    .withNamespace(namespace)
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(about.getApiVersion())
                            .withKind(about.getKind())
                            .withNamespace(about.getMetadata().getNamespace())
                            .withName(about.getMetadata().getName())
                            .withUid(about.getMetadata().getUid())
                            .withResourceVersion(about.getMetadata().getResourceVersion())
                            .build())
                    .withType(type)
                    .withReason(reason)
                    .withMessage(message)
                    .withCount(1)
                    .withFirstTimestamp(timestamp)
                    .withLastTimestamp(timestamp)
                    .withReportingComponent(component)
                    .withNewSource().withComponent(component).endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
    }

    private static String fingerprint(HasMetadata about, String reason, String message) {
        CRC32 crc = new CRC32();
        crc.update((about.getMetadata().getUid() + "\n" + reason + "\n" + message).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
