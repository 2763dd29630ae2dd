package dev.ferry.snapshot;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The PVCs of the source cluster, each joined with the PersistentVolume it is bound to. */
public interface ClusterVolumes {

    boolean namespaceExists(String namespace);

    /** The claims of a namespace; all of them when the selector is empty. */
    List<Claim> claims(String namespace, Map<String, String> labelSelector);

    Optional<Claim> claim(String namespace, String name);
}
