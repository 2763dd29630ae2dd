package dev.ferry.support.config;

import dev.ferry.events.arm.ArmResourceId;
import java.util.Optional;

/** A staging storage account in region B, as every service configures it under {@code ferry.staging-accounts.<name>}. */
public interface StagingAccountSettings {

    /** Its ARM id. */
    ArmResourceId id();

    /** Its region: the DR region it stages for; an Import works only into the same region. */
    String region();

    /** Its blob endpoint, e.g. {@code https://<name>.blob.core.windows.net}. */
    String blobEndpoint();

    /** A connection string with the account key (local stand-ins only); absent means Entra credentials. */
    Optional<String> connectionString();
}
