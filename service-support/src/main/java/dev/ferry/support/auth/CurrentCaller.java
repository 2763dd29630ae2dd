package dev.ferry.support.auth;

import jakarta.enterprise.context.RequestScoped;

/** The authenticated caller of the REST request being served, set by {@link ApiAuthentication} before the resource runs. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    /** The caller; only {@code /api/...} requests have one, and no resource there runs without it. */
    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller: this is not an /api request");
        }
        return caller;
    }
}
