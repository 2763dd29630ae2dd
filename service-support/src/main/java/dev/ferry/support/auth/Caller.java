package dev.ferry.support.auth;

import java.util.List;

/**
 * Who is calling a REST API, as the service's own cluster authenticated the bearer token (a TokenReview): the user
 * name ({@code system:serviceaccount:<namespace>:<name>} for a service account), its uid and groups. The token itself
 * is never kept here.
 */
public record Caller(String user, String uid, List<String> groups) {

    public Caller {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }
}
