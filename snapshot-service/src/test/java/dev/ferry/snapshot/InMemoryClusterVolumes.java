package dev.ferry.snapshot;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Namespaces and their PVCs in memory, for unit tests: a namespace exists once it is added or has a claim. */
public final class InMemoryClusterVolumes implements ClusterVolumes {

    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    private final List<Claim> claims = new CopyOnWriteArrayList<>();

    public InMemoryClusterVolumes namespace(String namespace) {
        namespaces.add(namespace);
        return this;
    }

    public InMemoryClusterVolumes add(Claim claim) {
        namespaces.add(claim.namespace());
        claims.add(claim);
        return this;
    }

    @Override
    public boolean namespaceExists(String namespace) {
        return namespaces.contains(namespace);
    }

    @Override
    public List<Claim> claims(String namespace, Map<String, String> labelSelector) {
        return claims.stream()
                .filter(c -> c.namespace().equals(namespace))
                .filter(c -> labelSelector.entrySet().stream().allMatch(e -> e.getValue().equals(c.labels().get(e.getKey()))))
                .toList();
    }

    @Override
    public Optional<Claim> claim(String namespace, String name) {
        return claims.stream().filter(c -> c.namespace().equals(namespace) && c.name().equals(name)).findFirst();
    }
}
