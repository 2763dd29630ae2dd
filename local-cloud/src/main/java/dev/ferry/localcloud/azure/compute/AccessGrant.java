package dev.ferry.localcloud.azure.compute;

import java.time.Instant;

/**
 * A read SAS on one snapshot, as {@code beginGetAccess} grants it: a token in the URL path, a
 * signature in the query, an expiry, revoked by {@code endGetAccess}.
 */
public final class AccessGrant {

    private final String token;
    private final String signature;
    private final ResourceKey snapshot;
    private final String familyId;
    private final Instant expiresAt;
    private volatile boolean revoked;

    AccessGrant(String token, String signature, ResourceKey snapshot, String familyId, Instant expiresAt) {
        this.token = token;
        this.signature = signature;
        this.snapshot = snapshot;
        this.familyId = familyId;
        this.expiresAt = expiresAt;
    }

    public String token() {
        return token;
    }

    public String signature() {
        return signature;
    }

    public ResourceKey snapshot() {
        return snapshot;
    }

    String familyId() {
        return familyId;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    public boolean revoked() {
        return revoked;
    }

    void revoke() {
        revoked = true;
    }

    /** Whether reads through this grant are allowed at {@code now}. */
    public boolean activeAt(Instant now) {
        return !revoked && now.isBefore(expiresAt);
    }
}
