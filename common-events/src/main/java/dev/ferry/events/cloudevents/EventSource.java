package dev.ferry.events.cloudevents;

import java.net.URI;
import java.util.regex.Pattern;

/** Who emits an event: a Ferry service on a cluster; its CloudEvents {@code source} is {@code /ferry/<service>/<cluster>}. */
public record EventSource(String service, String cluster) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    public EventSource {
        if (service == null || !NAME.matcher(service).matches()) {
            throw new IllegalArgumentException("service must be a DNS-1123 name but is '" + service + "'");
        }
        if (cluster == null || !NAME.matcher(cluster).matches()) {
            throw new IllegalArgumentException("cluster must be a DNS-1123 name but is '" + cluster + "'");
        }
    }

    public URI uri() {
        return URI.create("/ferry/" + service + "/" + cluster);
    }
}
