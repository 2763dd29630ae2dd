package dev.ferry.support.auth;

import dev.ferry.support.api.ProblemException;
import java.util.List;

/** A 403: the caller lacks the permissions named, and nothing was done. */
public final class AccessDenied {

    private AccessDenied() {
    }

    /** The problem to throw: its detail and errors name each missing permission as {@code kubectl auth can-i} would ask it. */
    public static ProblemException missing(Caller caller, List<Permission> missing) {
        List<String> errors = missing.stream().map(p -> "missing permission: " + p.describe()).toList();
        return new ProblemException(403, "forbidden", "Forbidden", "User " + caller.user() + " may not "
                + String.join(", nor ", missing.stream().map(Permission::describe).toList()) + ".", errors);
    }
}
