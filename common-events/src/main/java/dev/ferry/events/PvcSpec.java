package dev.ferry.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ferry.events.validation.Validatable;
import dev.ferry.events.validation.Violations;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the DR side needs to recreate a PVC: its identity and spec at backup time.
 *
 * @param requestedBytes the size the PVC asked for ({@code spec.resources.requests.storage})
 * @param capacityBytes  the size of the bound volume ({@code status.capacity.storage})
 */
public record PvcSpec(
        String name,
        String uid,
        String storageClassName,
        List<String> accessModes,
        String volumeMode,
        @JsonProperty(required = true) long requestedBytes,
        @JsonProperty(required = true) long capacityBytes,
        Map<String, String> labels) implements Validatable {

    public static final Set<String> ACCESS_MODES =
            Set.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod");
    public static final Set<String> VOLUME_MODES = Set.of("Filesystem", "Block");

    @Override
    public void validate(Violations v) {
        v.dnsSubdomain("name", name);
        v.uid("uid", uid);
        v.dnsSubdomain("storageClassName", storageClassName);
        v.nonEmpty("accessModes", accessModes);
        if (accessModes != null) {
            for (int i = 0; i < accessModes.size(); i++) {
                v.oneOf("accessModes[" + i + "]", accessModes.get(i), ACCESS_MODES);
            }
        }
        v.oneOf("volumeMode", volumeMode, VOLUME_MODES);
        v.positive("requestedBytes", requestedBytes);
        v.positive("capacityBytes", capacityBytes);
        v.labels("labels", labels);
    }
}
